using System.Diagnostics;
using System.Globalization;
using Orchestrator.Processes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `up` of a docker environment (a primary, a replica, a cascading replica, each in a container
/// of orchestrator/postgres:15 on a network of its own) from nothing to every replica streaming,
/// against a shell script doing the same with the docker CLI: docker run, initdb and pg_ctl
/// through docker exec, pg_basebackup in the replica's container. Alternately, in one process.
/// </summary>
internal static class DockerUpBenchmark
{
    private const string Image = "orchestrator/postgres:15";

    public static Task<(TimeSpan Tool, TimeSpan Baseline)> RunAsync(int rounds) =>
        AlternatingRounds.MedianAsync(rounds, TimeToolAsync, TimeScriptAsync);

    private static async Task<TimeSpan> TimeToolAsync(int round)
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-docker-up-").FullName;
        var ports = FreePorts.Take(3);
        var file = Path.Combine(work, "docker.yaml");
        await File.WriteAllTextAsync(file, string.Create(CultureInfo.InvariantCulture, $$"""
            name: bench-docker-{{round}}
            engine: postgres
            provider: docker
            image: {{Image}}
            database: app
            nodes:
              - { name: primary,   role: primary, port: {{ports[0]}} }
              - { name: replica-1, role: replica, source: primary,   port: {{ports[1]}} }
              - { name: replica-2, role: replica, source: replica-1, port: {{ports[2]}} }
            """));
        return await AlternatingRounds.TimeUpAsync(file, work);
    }

    private static async Task<TimeSpan> TimeScriptAsync(int round)
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-docker-sh-").FullName;
        var name = $"bench-sh-{round}";
        var ports = FreePorts.Take(3);
        var scriptPath = Path.Combine(work, "up.sh");
        await File.WriteAllTextAsync(scriptPath, Script);
        try
        {
            var clock = Stopwatch.StartNew();
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("bash", [scriptPath, name, Image, .. ports.Select(p => p.ToString(CultureInfo.InvariantCulture))]), CancellationToken.None);
            return clock.Elapsed;
        }
        finally
        {
            await ProcessRunner.RunAsync(new ProcessSpec("bash", ["-c", "docker rm -f \"$1-p\" \"$1-r1\" \"$1-r2\"; docker volume rm \"$1-p\" \"$1-r1\" \"$1-r2\"; docker network rm \"$1\"", "sh", name]), CancellationToken.None);
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>What a person would script with the docker CLI: usage NAME IMAGE PORT0 PORT1 PORT2.</summary>
    private const string Script = """
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
