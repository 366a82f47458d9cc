using System.Diagnostics;
using System.Globalization;
using Orchestrator.Processes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `up` of a MariaDB docker environment (a primary, a replica, a cascading replica, each in a
/// container of orchestrator/mariadb:10.11) from nothing until every replica's IO and SQL threads
/// run, against a shell script doing the same with the docker CLI: docker run, mariadb-install-db
/// and mariadbd through docker exec, accounts, a dump of each source loaded into its replica, and
/// CHANGE MASTER by GTID. Alternately, in one process.
/// </summary>
internal static class DockerMariaDbUpBenchmark
{
    private const string Image = "orchestrator/mariadb:10.11";

    public static Task<(TimeSpan Tool, TimeSpan Baseline)> RunAsync(int rounds) =>
        AlternatingRounds.MedianAsync(rounds, TimeToolAsync, TimeScriptAsync);

    private static async Task<TimeSpan> TimeToolAsync(int round)
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-dmaria-up-").FullName;
        var ports = FreePorts.Take(3);
        var file = Path.Combine(work, "docker-mariadb.yaml");
        await File.WriteAllTextAsync(file, string.Create(CultureInfo.InvariantCulture, $$"""
            name: bench-dmaria-{{round}}
            engine: mariadb
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
        var work = Directory.CreateTempSubdirectory("orch-bench-dmaria-sh-").FullName;
        var name = $"bench-msh-{round}";
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
