namespace Orchestrator.Benchmarks;

/// <summary>
/// What a person would script by hand to rehearse a restore: dump the database, start a
/// throw-away server, load the dump into it, stop it. The same dump formats and options as the tool.
/// </summary>
internal static class BackupBaselineScripts
{
    /// <summary>Usage: BIN DIR PORT SOURCE_PORT DATABASE (PGPASSWORD and the TLS variables set for the source; its own scratch server runs without TLS).</summary>
    public const string Postgres = """
        #!/bin/bash
        set -euo pipefail
        B=$1; D=$2; P=$3; SRC=$4; DB=$5
        "$B/pg_dump" -h 127.0.0.1 -p "$SRC" -U orchestrator -d "$DB" --format=directory --jobs=2 --compress=1 -f "$D/dump"
        echo scratch-pw > "$D/pw"
        "$B/initdb" -D "$D/s" -U orchestrator --pwfile="$D/pw" --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-locale >/dev/null
        printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = ''\n" "$P" >> "$D/s/postgresql.conf"
        "$B/pg_ctl" -D "$D/s" -l "$D/s.log" -w start >/dev/null
        export PGPASSWORD=scratch-pw PGSSLMODE=prefer
        unset PGSSLROOTCERT
        "$B/psql" -qX -h 127.0.0.1 -p "$P" -U orchestrator -d postgres -c "CREATE DATABASE $DB" >/dev/null
        "$B/pg_restore" -h 127.0.0.1 -p "$P" -U orchestrator -d "$DB" --jobs=2 --no-owner --no-acl --exit-on-error "$D/dump"
        "$B/pg_ctl" -D "$D/s" -m fast -w stop >/dev/null
        """;

    /// <summary>Usage: DIR PORT SOURCE_PORT DATABASE SOURCE_OPTION_FILE SERVICE_USER SOURCE_CA.</summary>
    public const string MariaDb = """
        #!/bin/bash
        set -euo pipefail
        D=$1; P=$2; SRC=$3; DB=$4; CNF=$5; U=$6; CA=$7
        mariadb-dump --defaults-extra-file="$CNF" -h 127.0.0.1 -P "$SRC" --protocol=TCP --ssl --ssl-verify-server-cert --ssl-ca="$CA" --single-transaction --master-data=2 --gtid \
          --routines --events --triggers --hex-blob --default-character-set=utf8mb4 "$DB" > "$D/dump.sql"
        mkdir -p "$D/s" "$D/run"; chown "$U:" "$D/s" "$D/run"
        mariadb-install-db --no-defaults --datadir="$D/s" --user="$U" --auth-root-authentication-method=socket --skip-test-db >/dev/null
        mariadbd --no-defaults --datadir="$D/s" --socket="$D/run/s.sock" --port="$P" --bind-address=127.0.0.1 --pid-file="$D/run/s.pid" --user="$U" \
          --log-error="$D/run/s.err" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --innodb-buffer-pool-size=128M &
        for i in $(seq 1 1200); do mariadb --no-defaults -S "$D/run/s.sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.05; done
        mariadb --no-defaults -S "$D/run/s.sock" -u root -e "CREATE DATABASE $DB"
        mariadb --no-defaults -S "$D/run/s.sock" -u root --default-character-set=utf8mb4 --binary-mode "$DB" < "$D/dump.sql"
        mariadb-admin --no-defaults -S "$D/run/s.sock" -u root shutdown
        """;
}
