using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `orchestrator backup` then `orchestrator rehearse` of a database of about the given size,
/// against the engine's dump and restore tools run by hand (dump, throw-away server, load).
/// </summary>
internal static class BackupBenchmark
{
    public sealed record Result(TimeSpan Tool, TimeSpan Backup, TimeSpan Rehearse, TimeSpan Baseline, double RecoveryTimeEstimate, long DatabaseBytes, long BackupBytes);

    public static async Task<Result> RunAsync(string repositoryRoot, EngineKind engine, int sizeMegabytes, int rounds)
    {
        await using var primary = await BenchPrimary.StartAsync(engine);
        var databaseBytes = await FillAsync(primary, sizeMegabytes);
        var environment = primary.Environment.FilePath;
        var cli = Path.Combine(repositoryRoot, "artifacts", "cli", "Orchestrator.Cli.dll");
        var results = new List<(TimeSpan Tool, TimeSpan Backup, TimeSpan Rehearse, TimeSpan Baseline, double Estimate, long Bytes)>();
        for (var round = 0; round < rounds; round++)
        {
            TimeSpan backup = default, rehearse = default, baseline = default;
            var steps = "";
            double estimate = 0;
            long bytes = 0;
            async Task Tool()
            {
                var directory = Path.Combine(primary.Directory, $"backup-{round}");
                var clock = Stopwatch.StartNew();
                await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "backup", "-e", environment, "--state-dir", primary.StateDir, "--out", directory]) { Timeout = TimeSpan.FromHours(2) }, CancellationToken.None);
                backup = clock.Elapsed;
                clock.Restart();
                var report = await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "rehearse", "-e", environment, "--backup", directory, "--json"]) { Timeout = TimeSpan.FromHours(2) }, CancellationToken.None);
                rehearse = clock.Elapsed;
                using var json = JsonDocument.Parse(report.StandardOutput);
                estimate = json.RootElement.GetProperty("recoveryTimeEstimateSeconds").GetDouble();
                bytes = json.RootElement.GetProperty("backup").GetProperty("bytes").GetInt64();
                steps = string.Join(", ", json.RootElement.GetProperty("steps").EnumerateArray().Select(s =>
                    string.Create(CultureInfo.InvariantCulture, $"{s.GetProperty("name").GetString()} {s.GetProperty("seconds").GetDouble():0.0} s")));
                Directory.Delete(directory, recursive: true);
            }

            async Task Baseline() => baseline = await TimeBaselineAsync(primary);

            if (round % 2 == 0)
            {
                await Tool();
                await Baseline();
            }
            else
            {
                await Baseline();
                await Tool();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1}: backup {backup.TotalSeconds:0.0} s + rehearse {rehearse.TotalSeconds:0.0} s ({steps}) against {baseline.TotalSeconds:0.0} s"));
            results.Add((backup + rehearse, backup, rehearse, baseline, estimate, bytes));
        }

        var median = results.OrderBy(r => r.Tool.TotalSeconds / r.Baseline.TotalSeconds).ElementAt(results.Count / 2);
        return new Result(median.Tool, median.Backup, median.Rehearse, median.Baseline, median.Estimate, databaseBytes, median.Bytes);
    }

    /// <summary>An events table of about <paramref name="megabytes"/> MiB with a secondary index; returns the database's size.</summary>
    private static async Task<long> FillAsync(BenchPrimary primary, int megabytes)
    {
        // About 185 bytes per row on disk on either engine, index included.
        var rows = megabytes * 1024L * 1024 / 185;
        var engine = primary.Engine;
        await using var session = await engine.ConnectAsync(engine.AdminTarget(primary.Environment.Primary, primary.Credentials, "app"), CancellationToken.None);
        if (primary.Environment.Engine == EngineKind.Postgres)
        {
            await session.ExecuteAsync("CREATE TABLE events (id bigint PRIMARY KEY, account int NOT NULL, kind text NOT NULL, payload text, created timestamptz NOT NULL)");
            await session.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO events SELECT g, g % 10000, 'kind' || (g % 17), md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text), timestamptz '2026-01-01' - g * interval '1 second' FROM generate_series(1, {rows}) g"));
            await session.ExecuteAsync("CREATE INDEX events_account ON events (account)");
            await session.ExecuteAsync("CREATE TABLE accounts (id int PRIMARY KEY, name text)");
            await session.ExecuteAsync("INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(0, 9999) g");
            await session.ExecuteAsync("VACUUM ANALYZE");
            return (await session.QueryAsync("SELECT pg_database_size('app') AS bytes")).Single().GetInt64("bytes")!.Value;
        }

        await session.ExecuteAsync("CREATE TABLE events (id bigint PRIMARY KEY, account int NOT NULL, kind varchar(20) NOT NULL, payload text, created datetime NOT NULL)");
        for (long start = 1; start <= rows; start += 500_000)
        {
            var end = Math.Min(rows, start + 499_999);
            await session.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO events SELECT seq, seq % 10000, CONCAT('kind', seq % 17), CONCAT(MD5(seq), MD5(seq * 7), MD5(seq * 13)), TIMESTAMP '2026-01-01 00:00:00' - INTERVAL seq SECOND FROM seq_{start}_to_{end}"));
        }

        await session.ExecuteAsync("CREATE INDEX events_account ON events (account)");
        await session.ExecuteAsync("CREATE TABLE accounts (id int PRIMARY KEY, name varchar(40))");
        await session.ExecuteAsync("INSERT INTO accounts SELECT seq, CONCAT('account ', seq) FROM seq_0_to_9999");
        return (await session.QueryAsync("SELECT SUM(data_length + index_length) AS bytes FROM information_schema.TABLES WHERE table_schema = 'app'")).Single().GetInt64("bytes")!.Value;
    }

    private static async Task<TimeSpan> TimeBaselineAsync(BenchPrimary primary)
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-restore-").FullName;
        File.SetUnixFileMode(work, (UnixFileMode)Convert.ToInt32("755", 8));
        var port = FreePorts.Take(1)[0].ToString(CultureInfo.InvariantCulture);
        var source = primary.Environment.Primary.Port.ToString(CultureInfo.InvariantCulture);
        var credentials = primary.Credentials;
        var script = Path.Combine(work, "rehearse.sh");
        try
        {
            if (primary.Environment.Engine == EngineKind.Postgres)
            {
                await File.WriteAllTextAsync(script, BackupBaselineScripts.Postgres);
                // The baseline runs as the server's user, who cannot read the state directory's CA.
                var ca = Path.Combine(work, "ca.crt");
                File.Copy(credentials.TrustedCaFile!, ca, overwrite: true);
                await ProcessRunner.RunCheckedAsync(new ProcessSpec("chown", ["-R", "postgres:", work]), CancellationToken.None);
                var bin = (await ProcessRunner.RunCheckedAsync(new ProcessSpec("pg_config", ["--bindir"]), CancellationToken.None)).StandardOutput.Trim();
                var clock = Stopwatch.StartNew();
                await ProcessRunner.RunCheckedAsync(
                    new ProcessSpec("bash", [script, bin, work, port, source, "app"])
                    {
                        RunAs = "postgres",
                        WorkingDirectory = work,
                        Environment = new Dictionary<string, string>(BaselineTls.Libpq(credentials, ca)) { ["PGPASSWORD"] = credentials.AdminPassword.Reveal() },
                        Timeout = TimeSpan.FromHours(2),
                    },
                    CancellationToken.None);
                return clock.Elapsed;
            }

            await File.WriteAllTextAsync(script, BackupBaselineScripts.MariaDb);
            var options = Path.Combine(work, "source.cnf");
            await File.WriteAllTextAsync(options, $"[client]\nuser = {credentials.AdminUser}\npassword = \"{credentials.AdminPassword.Reveal()}\"\n");
            var mariaClock = Stopwatch.StartNew();
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("bash", [script, work, port, source, "app", options, "mysql", credentials.TrustedCaFile!]) { WorkingDirectory = work, Timeout = TimeSpan.FromHours(2) }, CancellationToken.None);
            return mariaClock.Elapsed;
        }
        finally
        {
            if (primary.Environment.Engine == EngineKind.Postgres && Directory.Exists(Path.Combine(work, "s")))
            {
                var bin = (await ProcessRunner.RunCheckedAsync(new ProcessSpec("pg_config", ["--bindir"]), CancellationToken.None)).StandardOutput.Trim();
                await ProcessRunner.RunAsync(new ProcessSpec(Path.Combine(bin, "pg_ctl"), ["stop", "-D", Path.Combine(work, "s"), "-m", "immediate"]) { RunAs = "postgres" }, CancellationToken.None);
            }

            Directory.Delete(work, recursive: true);
        }
    }
}
