using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.TestSupport;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Prints each scenario against its raw-tool baseline, both measured in this run, as a ratio.
/// Usage: Orchestrator.Benchmarks [--rounds N] [--only up|docker-up|docker-up-mariadb|status|metrics|switchover|shards|migrate|tls-migrate|tls-switchover|pitr|migrate10k|replay|sqlite|backup|online|online-copy] [--backup-mb M] [--backup-engine postgres|mariadb] [--parallel N] [--online-rows R] [--online-engine postgres|mariadb] [--online-two-phase] [--pitr-rows R] [--pitr-load-seconds S] [--pitr-engine postgres|mariadb] [--switchover-engine postgres|mariadb] [--busy-cores N]
/// (default 3 rounds, 1 for backup; the median is reported; backup uses a database of about M MiB, default 1024;
/// --parallel sets the shards scenario's bound, default the tool's own).
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Option(args, "--rounds") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 3;
        var only = Option(args, "--only");
        var root = RepositoryRoot.Find();
        Console.WriteLine($"Orchestrator benchmarks, {rounds} rounds each, median reported ({Environment.ProcessorCount} cores)");
        Console.WriteLine();

        if (only is null or "up")
        {
            var (tool, script) = await UpBenchmark.RunAsync(root, rounds);
            Print("up local.yaml (primary + replica + cascading replica, until streaming), TLS on both sides", "orchestrator up", tool, "shell script (openssl, initdb, pg_ctl, pg_basebackup)", script, target: 1.0);
        }

        if (only is null or "docker-up")
        {
            var (tool, script) = await DockerUpBenchmark.RunAsync(rounds, EngineKind.Postgres);
            Print("up of a docker environment (primary + replica + cascading replica in containers, until streaming)", "orchestrator up (provider: docker)", tool, "shell script (docker run, docker exec initdb/pg_ctl/pg_basebackup)", script, target: 1.0);
        }

        if (only is null or "docker-up-mariadb")
        {
            var (tool, script) = await DockerUpBenchmark.RunAsync(rounds, EngineKind.MariaDb);
            Print("up of a MariaDB docker environment (primary + replica + cascading replica in containers, until replicating)", "orchestrator up (provider: docker)", tool, "shell script (docker run, docker exec mariadb-install-db/mariadbd, dump into each replica, CHANGE MASTER)", script, target: 1.0);
        }

        if (only is null or "pitr")
        {
            var rows = Option(args, "--pitr-rows") is { } pr ? int.Parse(pr, CultureInfo.InvariantCulture) : 1_000_000;
            var load = TimeSpan.FromSeconds(Option(args, "--pitr-load-seconds") is { } ls ? int.Parse(ls, CultureInfo.InvariantCulture) : 20);
            foreach (var engine in Option(args, "--pitr-engine") is { } named ? [named == "mariadb" ? EngineKind.MariaDb : EngineKind.Postgres] : new[] { EngineKind.Postgres, EngineKind.MariaDb })
            {
                var result = await PointInTimeBenchmark.RunAsync(root, engine, rounds, rows, load);
                var postgres = engine == EngineKind.Postgres;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  base backup {result.BaseBytes / 1048576.0:0} MiB ({rows} rows loaded), then {load.TotalSeconds:0} s of a 4-client insert load; the archive holds {result.ArchivedSegments} {(postgres ? "WAL segments" : "binary logs of the primary")}; target: the load's middle"));
                Print($"point-in-time restore to the middle of a write load, {(postgres ? "PostgreSQL" : "MariaDB")}", "orchestrator rehearse --to-time (process: checks, replay, proof)", result.Tool,
                    postgres
                        ? "by hand: cp -a base, recovery.signal, restore_command + recovery_target_time, pg_ctl start, wait for promotion, stop"
                        : "by hand: cp -a base, mariadbd, mariadb-binlog --start-position GTID --stop-datetime | mariadb, shutdown",
                    result.ByHand, target: 1.1);
            }
        }

        if (only is "backup" || (only is null && Option(args, "--backup-mb") is not null))
        {
            var megabytes = Option(args, "--backup-mb") is { } mb ? int.Parse(mb, CultureInfo.InvariantCulture) : 1024;
            var backupRounds = Option(args, "--rounds") is null ? 1 : rounds;
            foreach (var engine in Option(args, "--backup-engine") switch { "postgres" => [EngineKind.Postgres], "mariadb" => [EngineKind.MariaDb], _ => new[] { EngineKind.Postgres, EngineKind.MariaDb } })
            {
                Console.WriteLine($"backup + rehearse, {engine}, database of about {megabytes} MiB, {backupRounds} round(s):");
                var result = await BackupBenchmark.RunAsync(root, engine, megabytes, backupRounds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  database {result.DatabaseBytes / 1048576.0:0} MiB on disk, backup {result.BackupBytes / 1048576.0:0} MiB; backup {result.Backup.TotalSeconds:0.0} s, rehearse {result.Rehearse.TotalSeconds:0.0} s, recovery-time estimate {result.RecoveryTimeEstimate:0.0} s"));
                var baseline = engine == EngineKind.Postgres
                    ? "pg_dump -Fd -j2 -Z1, initdb + start, pg_restore -j2, stop"
                    : "mariadb-dump, install-db + start, mariadb < dump, stop";
                Print($"backup + rehearse of about {megabytes} MiB, {engine}", "orchestrator backup + rehearse (processes)", result.Tool, baseline, result.Baseline, target: 1.2);
            }

            if (only is "backup")
            {
                return 0;
            }
        }

        var switchoverEngines = Option(args, "--switchover-engine") switch { "postgres" => [EngineKind.Postgres], "mariadb" => [EngineKind.MariaDb], _ => new[] { EngineKind.Postgres, EngineKind.MariaDb } };
        if (only is null or "tls-switchover")
        {
            foreach (var engine in switchoverEngines)
            {
                var (withTls, plain, tlsGap, plainGap) = await SwitchoverBenchmark.TlsAgainstPlainAsync(engine, Math.Max(rounds, 4));
                Print($"switchover write-refused window, {engine}, primary + 2 replicas, 4 clients inserting: TLS verify-full (the default) against tls: disable",
                    "orchestrator switchover, TLS", withTls, "orchestrator switchover, plain", plain, target: 1.2);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  longest gap between acknowledged commits (median of the rounds): TLS {tlsGap.TotalSeconds:0.000} s, plain {plainGap.TotalSeconds:0.000} s, ratio {tlsGap / plainGap:0.00}"));
                Console.WriteLine();
            }
        }

        if (only is null or "switchover")
        {
            var busy = Option(args, "--busy-cores") is { } bc ? int.Parse(bc, CultureInfo.InvariantCulture) : 0;
            foreach (var engine in switchoverEngines)
            {
                foreach (var loaded in new[] { false, true })
                {
                    using var cores = new BusyCores(busy);
                    var result = await SwitchoverBenchmark.RunAsync(engine, loaded, Math.Max(rounds, 2));
                    var load = (loaded ? "4 clients inserting" : "idle") + (cores.Count > 0 ? $", {cores.Count} cores kept busy by other processes" : "");
                    Print($"switchover write-refused window, {engine}, primary + 2 replicas, {load}", "orchestrator switchover (window it reports)", result.Tool, "by hand with the raw tools", result.Baseline, target: 1.5);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  worst round: switchover {result.Worst.Tool.TotalSeconds:0.000} s ({result.Worst.Tool / result.Baseline:0.00} of the by-hand median, target <= 3), by hand {result.Worst.Baseline.TotalSeconds:0.000} s"));
                    if (loaded)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  longest gap between acknowledged commits: switchover {result.ToolClientGap.TotalSeconds:0.000} s, by hand {result.BaselineClientGap.TotalSeconds:0.000} s"));
                    }

                    if (engine == EngineKind.Postgres)
                    {
                        Console.WriteLine($"  absolute target < 2 s on PostgreSQL: {(result.Tool < TimeSpan.FromSeconds(2) ? "met" : "NOT met")}");
                    }

                    Console.WriteLine();
                }
            }
        }

        if (only is null or "metrics")
        {
            var result = await MetricsMeasure(root, rounds);
            Print("scrape of /metrics, PostgreSQL primary + 2 replicas, 200 tables (median of the scrapes)", "orchestrator metrics (all 3 nodes)", result.Tool.Latency, "prometheus-postgres-exporter (the primary)", result.PostgresExporter.Latency, target: 1.0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  CPU per scrape: orchestrator {result.Tool.CpuPerScrape.TotalMilliseconds:0.0} ms ({result.Tool.Samples} samples), postgres_exporter {result.PostgresExporter.CpuPerScrape.TotalMilliseconds:0.0} ms ({result.PostgresExporter.Samples} samples)"));
            Console.WriteLine();
        }

        if (only is "online-copy")
        {
            var rows = Option(args, "--online-rows") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 5_000_000;
            foreach (var engine in Option(args, "--online-engine") switch { "postgres" => [EngineKind.Postgres], "mariadb" => [EngineKind.MariaDb], _ => new[] { EngineKind.Postgres, EngineKind.MariaDb } })
            {
                PrintOnline(engine, rows, await OnlineMigrationBenchmark.RunCopyAsync(root, engine, rows), "a column type change (int to bigint)", "plain ALTER TABLE");
            }
        }

        if (only is "online")
        {
            var rows = Option(args, "--online-rows") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 5_000_000;
            var engines = Option(args, "--online-engine") switch
            {
                "postgres" => [EngineKind.Postgres],
                "mariadb" => [EngineKind.MariaDb],
                _ => new[] { EngineKind.Postgres, EngineKind.MariaDb },
            };
            foreach (var engine in engines)
            {
                var twoPhase = engine == EngineKind.MariaDb && args.Contains("--online-two-phase");
                var result = await OnlineMigrationBenchmark.RunAsync(root, engine, rows, twoPhase);
                PrintOnline(engine, rows, result, "index, NOT NULL column with default, foreign key to a new table, SET NOT NULL", "FluentMigrator's runner");
                if (twoPhase)
                {
                    Console.WriteLine("  (binlog_alter_two_phase on the primary, slave_parallel_threads = 4 on the replicas)");
                    Console.WriteLine();
                }
            }

            return 0;
        }

        if (only is null or "status")
        {
            var result = await StatusBenchmark.RunAsync(root, rounds);
            Print("status of local.yaml (3 nodes, sample migrations built and applied)", "orchestrator status (process)", result.Tool, "psql -c 'SELECT 1', once per node", result.Baseline, target: double.PositiveInfinity);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  absolute target < 0.4 s: {(result.Tool < TimeSpan.FromMilliseconds(400) ? "met" : "NOT met")}"));
            Console.WriteLine();
        }

        if (only is "migrate10k")
        {
            const int Many = 10_000;
            var many = Directory.CreateTempSubdirectory("orch-bench-migrations-10k-").FullName;
            try
            {
                var assembly = await GeneratedMigrations.BuildAsync(many, Many);
                var result = await MigrationsBenchmark.RunAsync(root, EngineKind.Postgres, assembly, rounds, withFluentMigrator: false);
                Print($"migrate {Many} generated migrations, PostgreSQL primary", "orchestrator migrate (process)", result.Tool, "psql -f, same SQL + version rows, one session", result.Client, target: 1.1);
                Console.WriteLine($"  absolute target < 12 s: {(result.Tool < TimeSpan.FromSeconds(12) ? "met" : "NOT met")}");
                Console.WriteLine();
            }
            finally
            {
                Directory.Delete(many, recursive: true);
            }

            return 0;
        }

        if (only is null or "shards")
        {
            var hundred = Directory.CreateTempSubdirectory("orch-bench-migrations-100-").FullName;
            try
            {
                var assembly = await GeneratedMigrations.BuildAsync(hundred, 100);
                var result = await ShardsBenchmark.RunAsync(root, assembly, rounds, Option(args, "--parallel") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null);
                var scenario = $"migrate 100 generated migrations on {ShardsBenchmark.ShardCount} single-node PostgreSQL shards";
                Print(scenario, $"orchestrator migrate (process, --parallel {result.Parallel})", result.FannedOut, "orchestrator migrate --parallel 1 (one after another)", result.OneAfterAnother, target: 0.5);
                Print(scenario, $"orchestrator migrate (process, --parallel {result.Parallel})", result.FannedOut, "16 x psql -f, same SQL, 4 at a time", result.Psql, target: 1.3);
            }
            finally
            {
                Directory.Delete(hundred, recursive: true);
            }

            if (only is "shards")
            {
                return 0;
            }
        }

        const int Migrations = 500;
        var work = Directory.CreateTempSubdirectory("orch-bench-migrations-").FullName;
        try
        {
            var assembly = await GeneratedMigrations.BuildAsync(work, Migrations);
            if (only is null or "migrate")
            {
                foreach (var (engine, client) in new[] { (EngineKind.Postgres, "psql -f"), (EngineKind.MariaDb, "mariadb client") })
                {
                    var result = await MigrationsBenchmark.RunAsync(root, engine, assembly, rounds);
                    var scenario = $"migrate {Migrations} generated FluentMigrator migrations (table + index + row each), {engine} primary";
                    Print(scenario, "orchestrator migrate (process)", result.Tool, $"{client}, same SQL + version rows, one session", result.Client, target: 1.1);
                    Print(scenario, "orchestrator migrate (process)", result.Tool, "FluentMigrator's runner (process, MigrateUp)", result.FluentMigrator, target: 0.7);
                }
            }

            if (only is null or "tls-migrate")
            {
                foreach (var engine in new[] { EngineKind.Postgres, EngineKind.MariaDb })
                {
                    var result = await TlsMigrationsBenchmark.RunAsync(root, engine, assembly, rounds);
                    var scenario = $"migrate {Migrations} generated FluentMigrator migrations, {engine} primary: TLS verify-full (the default) against tls: disable";
                    Print(scenario, "orchestrator migrate, TLS", result.WithTls, "orchestrator migrate, plain", result.Plain, target: 1.1);
                }
            }

            if (only is null or "sqlite")
            {
                var result = await SqliteMigrationsBenchmark.RunAsync(root, assembly, rounds);
                var scenario = $"migrate {Migrations} generated FluentMigrator migrations (table + index + row each), fresh SQLite file";
                Print(scenario, "orchestrator migrate (process)", result.Tool, "sqlite3 shell, same SQL", result.Shell, target: 1.3);
                Print(scenario, "orchestrator migrate (process)", result.Tool, "FluentMigrator's runner (process, MigrateUp)", result.FluentMigrator, target: double.PositiveInfinity);
            }

            foreach (var engine in only is null or "replay" ? new[] { EngineKind.Postgres, EngineKind.MariaDb } : [])
            {
                var replay = await ReplayWaitBenchmark.RunAsync(engine, assembly, 100, rounds);
                Console.WriteLine($"migrate 100 migrations waiting for replay after each, {engine}: primary + 2 replicas against the primary alone");
                ReplayLine("primary alone", replay.Alone);
                ReplayLine("primary + 2 replicas, waiting after each", replay.Replicated);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {"of which the replicas' replay (slowest, summed)",-46} {replay.Replicated.ReplayTime.TotalSeconds,8:0.000} s"));
                ReplayLine("primary + 2 replicas, waiting once at the end", replay.WaitingOnce);
                var overhead = replay.WaitOverheadPerMigration.TotalMilliseconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  waiting's own overhead per migration (beyond the replay and the primary's own work) {overhead:0.00} ms (target <= 2 ms: {(overhead <= 2 ? "met" : "NOT met")})"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  everything beyond the replay per migration {replay.AllBeyondReplayPerMigration.TotalMilliseconds:0.00} ms, of which the primary's own slowdown {replay.PrimarySlowdownPerMigration.TotalMilliseconds:0.00} ms"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  (the control, waiting once at the end: migrations on the primary {replay.WaitingOnce.OnPrimary.TotalSeconds:0.000} s against {replay.Alone.OnPrimary.TotalSeconds:0.000} s alone; slower there too means the replicas' own work slows the primary, not the waits)"));
                Console.WriteLine();
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static void ReplayLine(string side, ReplayWaitBenchmark.Run run) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {side,-48} {run.Elapsed.TotalSeconds,8:0.000} s  (migrations on the primary {run.OnPrimary.TotalSeconds:0.000} s)"));

    private static void Print(string scenario, string toolName, TimeSpan tool, string baselineName, TimeSpan baseline, double target)
    {
        var ratio = tool.TotalSeconds / baseline.TotalSeconds;
        Console.WriteLine(scenario);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {toolName,-48} {tool.TotalSeconds,8:0.000} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {baselineName,-48} {baseline.TotalSeconds,8:0.000} s"));
        Console.WriteLine(double.IsPositiveInfinity(target)
            ? string.Create(CultureInfo.InvariantCulture, $"  ratio {ratio:0.00}")
            : string.Create(CultureInfo.InvariantCulture, $"  ratio {ratio:0.00} (target <= {target:0.0}: {(ratio <= target ? "met" : "NOT met")})"));
        Console.WriteLine();
    }

    private static void PrintOnline(EngineKind engine, int rows, OnlineMigrationBenchmark.Result result, string changes, string baseline)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"online migrations of a {rows:N0}-row table ({changes}), {engine}, primary + 2 replicas, 4 clients inserting"));
        Console.WriteLine($"  {"",-36} {"orchestrator migrate",22} {baseline,24} {"ratio",7}");
        void Row(string name, TimeSpan tool, TimeSpan fluentMigrator) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-36} {tool.TotalSeconds,20:0.000} s {fluentMigrator.TotalSeconds,22:0.000} s {tool.TotalSeconds / fluentMigrator.TotalSeconds,7:0.00}"));
        Row("longest gap between acknowledged writes", result.Tool.LongestGap, result.Baseline.LongestGap);
        Row("p99 write latency", result.Tool.P99, result.Baseline.P99);
        Row("highest replica lag (heartbeat)", result.Tool.HighestLag, result.Baseline.HighestLag);
        Row("total time", result.Tool.Total, result.Baseline.Total);
        Console.WriteLine($"  writes acknowledged during the run: {result.Tool.Writes} with the tool, {result.Baseline.Writes} with {baseline}");
        if (result.PtOnlineSchemaChange is { } percona)
        {
            Console.WriteLine($"  {"",-36} {"orchestrator migrate",22} {"pt-online-schema-change",24} {"ratio",7}");
            Row("longest gap between acknowledged writes", result.Tool.LongestGap, percona.LongestGap);
            Row("p99 write latency", result.Tool.P99, percona.P99);
            Row("highest replica lag (heartbeat)", result.Tool.HighestLag, percona.HighestLag);
            Row("total time", result.Tool.Total, percona.Total);
            Console.WriteLine($"  writes acknowledged during pt-online-schema-change's run: {percona.Writes}");
        }
        else if (baseline == "plain ALTER TABLE" && engine == EngineKind.MariaDb)
        {
            Console.WriteLine("  pt-online-schema-change: not measured (install Debian's percona-toolkit to compare with it)");
        }

        if (engine == EngineKind.Postgres || baseline == "plain ALTER TABLE")
        {
            Console.WriteLine($"  targets{(engine == EngineKind.Postgres ? " on PostgreSQL" : "")}: longest gap <= 1 s {(result.Tool.LongestGap <= TimeSpan.FromSeconds(1) ? "met" : "NOT met")}; highest lag <= 2 s {(result.Tool.HighestLag <= TimeSpan.FromSeconds(2) ? "met" : "NOT met")}");
        }

        Console.WriteLine();
    }

    /// <summary>At least 20 scrapes a side, more with more rounds.</summary>
    private static Task<MetricsBenchmark.Result> MetricsMeasure(string root, int rounds) => MetricsBenchmark.RunAsync(root, Math.Max(20, rounds * 10));
}
