namespace Orchestrator.Benchmarks;

/// <summary>What a person would script by hand for the same topology as local.yaml: usage BIN DIR PORT0 PORT1 PORT2.</summary>
internal static class BaselineScript
{
    public const string Text = """
        #!/bin/bash
        set -euo pipefail
        B=$1; D=$2; P0=$3; P1=$4; P2=$5
        echo admin-pw > "$D/pw"
        "$B/initdb" -D "$D/p" -U orchestrator --pwfile="$D/pw" --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-locale >/dev/null
        conf() { # dir port
          cat >> "$1/postgresql.conf" <<EOF
        listen_addresses = '127.0.0.1'
        port = $2
        unix_socket_directories = ''
        wal_level = replica
        max_wal_senders = 10
        max_replication_slots = 10
        hot_standby = on
        wal_log_hints = on
        max_slot_wal_keep_size = '1GB'
        EOF
        }
        conf "$D/p" "$P0"
        cat > "$D/p/pg_hba.conf" <<EOF
        host replication replicator 127.0.0.1/32 scram-sha-256
        host all all 127.0.0.1/32 scram-sha-256
        EOF
        "$B/pg_ctl" -D "$D/p" -l "$D/p.log" -w start >/dev/null
        export PGPASSWORD=admin-pw
        "$B/psql" -qX -h 127.0.0.1 -p "$P0" -U orchestrator -d postgres -c "CREATE ROLE replicator REPLICATION LOGIN PASSWORD 'repl-pw'" -c "CREATE DATABASE app" >/dev/null
        replica() { # name slot source-port port
          PGPASSWORD=admin-pw "$B/psql" -qX -h 127.0.0.1 -p "$3" -U orchestrator -d postgres -c "SELECT pg_create_physical_replication_slot('$2', true)" >/dev/null
          PGPASSWORD=repl-pw PGAPPNAME=$1 "$B/pg_basebackup" -h 127.0.0.1 -p "$3" -U replicator -D "$D/$1" -X stream -c fast -S "$2"
          conf "$D/$1" "$4"
          echo "primary_conninfo = 'host=127.0.0.1 port=$3 user=replicator password=repl-pw application_name=$1'" >> "$D/$1/postgresql.conf"
          echo "primary_slot_name = '$2'" >> "$D/$1/postgresql.conf"
          touch "$D/$1/standby.signal"
          "$B/pg_ctl" -D "$D/$1" -l "$D/$1.log" -w start >/dev/null
        }
        replica r1 r1 "$P0" "$P1"
        replica r2 r2 "$P1" "$P2"
        for port in "$P1" "$P2"; do
          until [ "$("$B/psql" -qXtA -h 127.0.0.1 -p "$port" -U orchestrator -d postgres -c 'SELECT status FROM pg_stat_wal_receiver')" = streaming ]; do sleep 0.05; done
        done
        """;
}
