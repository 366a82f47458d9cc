namespace Orchestrator.Benchmarks;

/// <summary>PostgreSQL: docker run, initdb, pg_ctl and psql through docker exec, pg_basebackup in the replica's container.</summary>
internal static class PostgresDockerUpScript
{
    /// <summary>What a person would script with the docker CLI: usage NAME IMAGE PORT0 PORT1 PORT2.</summary>
    public const string Script = """
        #!/bin/bash
        set -euo pipefail
        N=$1; I=$2; P0=$3; P1=$4; P2=$5
        B=/usr/lib/postgresql/15/bin
        D=/var/lib/orchestrator
        docker network create "$N" >/dev/null
        start() { # node port
          docker run -d --init --name "$N-$1" --hostname "$1" --network "$N" -p "127.0.0.1:$2:5432" -v "$N-$1:$D" --entrypoint sleep "$I" infinity >/dev/null
          docker exec "$N-$1" sh -c "mkdir -p $D/node && chown postgres: $D/node && chmod 700 $D/node"
        }
        start p "$P0"; start r1 "$P1"; start r2 "$P2"
        conf() { # node
          docker exec -u postgres "$N-$1" sh -c "cat >> $D/node/data/postgresql.conf <<EOF
        listen_addresses = '*'
        port = 5432
        wal_level = replica
        max_wal_senders = 10
        max_replication_slots = 10
        hot_standby = on
        wal_log_hints = on
        max_slot_wal_keep_size = '1GB'
        EOF
        cat > $D/node/data/pg_hba.conf <<EOF
        local all all trust
        host replication replicator samenet scram-sha-256
        host all all samenet scram-sha-256
        EOF"
        }
        docker exec -u postgres "$N-p" sh -c "echo admin-pw > $D/node/pw && $B/initdb -D $D/node/data -U orchestrator --pwfile=$D/node/pw --auth-host=scram-sha-256 -E UTF8 --no-locale >/dev/null"
        conf p
        docker exec -u postgres "$N-p" $B/pg_ctl -D $D/node/data -l $D/node/server.log -w start >/dev/null
        docker exec -u postgres -e PGPASSWORD=admin-pw "$N-p" $B/psql -qX -h 127.0.0.1 -U orchestrator -d postgres -c "CREATE ROLE replicator REPLICATION LOGIN PASSWORD 'repl-pw'" -c "CREATE DATABASE app" >/dev/null
        replica() { # node source
          docker exec -u postgres -e PGPASSWORD=admin-pw "$N-$2" $B/psql -qX -h 127.0.0.1 -U orchestrator -d postgres -c "SELECT pg_create_physical_replication_slot('$1', true)" >/dev/null
          docker exec -u postgres -e PGPASSWORD=repl-pw -e PGAPPNAME=$1 "$N-$1" $B/pg_basebackup -h "$2" -U replicator -D $D/node/data -X stream -c fast -S "$1"
          conf "$1"
          docker exec -u postgres "$N-$1" sh -c "echo \"primary_conninfo = 'host=$2 user=replicator password=repl-pw application_name=$1'\" >> $D/node/data/postgresql.conf && echo \"primary_slot_name = '$1'\" >> $D/node/data/postgresql.conf && touch $D/node/data/standby.signal"
          docker exec -u postgres "$N-$1" $B/pg_ctl -D $D/node/data -l $D/node/server.log -w start >/dev/null
        }
        replica r1 p
        replica r2 r1
        for node in r1 r2; do
          until [ "$(docker exec -u postgres -e PGPASSWORD=admin-pw "$N-$node" $B/psql -qXtA -h 127.0.0.1 -U orchestrator -d postgres -c 'SELECT status FROM pg_stat_wal_receiver')" = streaming ]; do sleep 0.05; done
        done
        """;
}

/// <summary>
/// MariaDB: docker run, mariadb-install-db and mariadbd through docker exec, accounts, a dump of
/// each source loaded into its replica, and CHANGE MASTER by GTID.
/// </summary>
internal static class MariaDbDockerUpScript
{
    /// <summary>What a person would script with the docker CLI: usage NAME IMAGE PORT0 PORT1 PORT2.</summary>
    public const string Script = """
        #!/bin/bash
        set -euo pipefail
        N=$1; I=$2; P0=$3; P1=$4; P2=$5
        D=/var/lib/orchestrator/node
        docker network create "$N" >/dev/null
        sql() { # node statements...
          local node=$1; shift
          docker exec "$N-$node" mariadb --socket=$D/mariadb.sock -u root "$@"
        }
        start() { # node port server_id
          docker run -d --init --name "$N-$1" --hostname "$1" --network "$N" -p "127.0.0.1:$2:3306" -v "$N-$1:/var/lib/orchestrator" --entrypoint sleep "$I" infinity >/dev/null
          docker exec "$N-$1" sh -c "mkdir -p $D && chown mysql: $D"
          docker exec -u mysql "$N-$1" sh -c "printf '[mysqld]\ndatadir=$D/data\nsocket=$D/mariadb.sock\nlog-error=$D/server.log\nserver_id=$3\nlog_bin=binlog\nbinlog_format=ROW\ngtid_strict_mode=ON\nlog_slave_updates=ON\nskip-name-resolve\n' > $D/my.cnf && mariadb-install-db --defaults-file=$D/my.cnf --auth-root-authentication-method=socket --skip-test-db >/dev/null"
          docker exec -d -u mysql "$N-$1" mariadbd --defaults-file=$D/my.cnf
          until sql "$1" -e 'SELECT 1' >/dev/null 2>&1; do sleep 0.05; done
        }
        accounts="CREATE USER orchestrator@'%' IDENTIFIED BY 'admin-pw'; GRANT ALL ON *.* TO orchestrator@'%'; CREATE USER replicator@'%' IDENTIFIED BY 'repl-pw'; GRANT REPLICATION SLAVE ON *.* TO replicator@'%';"
        start p "$P0" 1
        sql p -e "$accounts CREATE DATABASE app;"
        replica() { # node port server_id source
          start "$1" "$2" "$3"
          sql "$1" -e "SET sql_log_bin = 0; $accounts"
          pos=$(docker exec -e MYSQL_PWD=admin-pw "$N-$1" mariadb -h "$4" -u orchestrator -N -e 'SELECT @@gtid_binlog_pos')
          docker exec -e MYSQL_PWD=admin-pw "$N-$1" sh -c "mariadb-dump -h $4 -u orchestrator --single-transaction --databases app | mariadb --socket=$D/mariadb.sock -u root --init-command='SET sql_log_bin = 0'"
          sql "$1" -e "RESET MASTER; SET GLOBAL gtid_binlog_state = '$pos'; SET GLOBAL gtid_slave_pos = '$pos'; SET GLOBAL read_only = ON; CHANGE MASTER TO MASTER_HOST = '$4', MASTER_USER = 'replicator', MASTER_PASSWORD = 'repl-pw', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1; START SLAVE;"
        }
        replica r1 "$P1" 2 p
        replica r2 "$P2" 3 r1
        for node in r1 r2; do
          until [ "$(sql "$node" -N -e "SHOW ALL SLAVES STATUS" | awk -F'\t' '{print $13 $14}')" = YesYes ]; do sleep 0.05; done
        done
        """;
}
