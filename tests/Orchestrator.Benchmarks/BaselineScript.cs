namespace Orchestrator.Benchmarks;

/// <summary>
/// What a person would script by hand for the same topology as local.yaml, with TLS as the tool
/// sets it up (a CA and a certificate per node made with openssl, hostssl only, replicas and
/// clients on verify-full): usage BIN DIR PORT0 PORT1 PORT2.
/// </summary>
internal static class BaselineScript
{
    public const string Text = """
        #!/bin/bash
        set -euo pipefail
        B=$1; D=$2; P0=$3; P1=$4; P2=$5
        echo admin-pw > "$D/pw"
        "$B/initdb" -D "$D/p" -U orchestrator --pwfile="$D/pw" --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-locale >/dev/null
        openssl ecparam -name prime256v1 -genkey -noout -out "$D/ca.key"
        openssl req -x509 -new -key "$D/ca.key" -subj "/CN=baseline CA" -days 3650 -out "$D/ca.crt"
        cert() { # name
          openssl ecparam -name prime256v1 -genkey -noout -out "$D/$1.key"
          chmod 600 "$D/$1.key"
          openssl req -new -key "$D/$1.key" -subj "/CN=$1" | openssl x509 -req -CA "$D/ca.crt" -CAkey "$D/ca.key" -CAcreateserial -days 397 \
            -extfile <(printf "subjectAltName=IP:127.0.0.1,DNS:localhost") -out "$D/$1.crt" 2>/dev/null
        }
        cert p; cert r1; cert r2
        export PGSSLMODE=verify-full PGSSLROOTCERT="$D/ca.crt"
        conf() { # dir port name
          cat >> "$1/postgresql.conf" <<EOF
        ssl = on
        ssl_cert_file = '$D/$3.crt'
        ssl_key_file = '$D/$3.key'
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
        conf "$D/p" "$P0" p
        cat > "$D/p/pg_hba.conf" <<EOF
        hostnossl all all all reject
        hostnossl replication all all reject
        hostssl replication replicator 127.0.0.1/32 scram-sha-256
        hostssl all all 127.0.0.1/32 scram-sha-256
        EOF
        "$B/pg_ctl" -D "$D/p" -l "$D/p.log" -w start >/dev/null
        export PGPASSWORD=admin-pw
        "$B/psql" -qX -h 127.0.0.1 -p "$P0" -U orchestrator -d postgres -c "CREATE ROLE replicator REPLICATION LOGIN PASSWORD 'repl-pw'" -c "CREATE DATABASE app" >/dev/null
        replica() { # name slot source-port port
          PGPASSWORD=admin-pw "$B/psql" -qX -h 127.0.0.1 -p "$3" -U orchestrator -d postgres -c "SELECT pg_create_physical_replication_slot('$2', true)" >/dev/null
          PGPASSWORD=repl-pw PGAPPNAME=$1 "$B/pg_basebackup" -h 127.0.0.1 -p "$3" -U replicator -D "$D/$1" -X stream -c fast -S "$2"
          conf "$D/$1" "$4" "$1"
          echo "primary_conninfo = 'host=127.0.0.1 port=$3 user=replicator password=repl-pw application_name=$1 sslmode=verify-full sslrootcert=$D/ca.crt'" >> "$D/$1/postgresql.conf"
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
