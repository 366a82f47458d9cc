using System.Diagnostics;
using System.Globalization;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Migrations of a big table while four clients write to it, on a primary with two replicas:
/// `orchestrator migrate` (online forms) against FluentMigrator's own runner on the same setup,
/// each on a database of its own filled the same way. The migration set (tests/Orchestrator.TestMigrations,
/// tag online-bench) adds an index, adds a NOT NULL column with a default, adds a foreign key to a
/// new small table, and sets NOT NULL on an existing column. Measured for each side: the longest
/// gap between acknowledged writes, their p99 latency, the highest replica lag (a heartbeat row
/// written on the primary every 100 ms, read on each replica), and the run's total time.
/// </summary>
internal static class OnlineMigrationBenchmark
{
    public sealed record Side(TimeSpan Total, TimeSpan LongestGap, TimeSpan P99, TimeSpan HighestLag, int Writes);

    /// <param name="PtOnlineSchemaChange">MariaDB's online-copy scenario: pt-online-schema-change on the same setup, when percona-toolkit is installed.</param>
    public sealed record Result(Side Tool, Side Baseline, Side? PtOnlineSchemaChange = null);

    private const long Created = 9821;

    /// <param name="twoPhase">MariaDB: binlog_alter_two_phase on the primary and four parallel replication workers on the replicas, which lets a replica start a long ALTER when the primary does.</param>
    public static async Task<Result> RunAsync(string root, EngineKind engine, int rows, bool twoPhase = false)
    {
        var assembly = Path.Combine(root, "tests", "Orchestrator.TestMigrations", "bin", "Release", "net10.0", "Orchestrator.TestMigrations.dll");
        var cli = MigrationsBenchmark.Built(root, "src", "Orchestrator.Cli");
        var host = MigrationsBenchmark.Built(root, "tests", "Orchestrator.FluentMigratorHost");
        await using var bench = await BenchPrimary.StartAsync(engine, replicas: 2);
        if (twoPhase)
        {
            await AlterInTwoPhasesAsync(bench);
        }

        var toolEnvironment = await PrepareAsync(bench, "online_tool", assembly, cli, rows);
        var tool = await MeasureAsync(bench, "online_tool", () => ProcessRunner.RunCheckedAsync(
            new ProcessSpec("dotnet", [cli, "migrate", "-e", toolEnvironment, "--state-dir", bench.StateDir]) { Timeout = TimeSpan.FromMinutes(30) }, CancellationToken.None));

        await PrepareAsync(bench, "online_fm", assembly, cli, rows);
        var fluentMigrator = await MeasureAsync(bench, "online_fm", () => ProcessRunner.RunCheckedAsync(
            new ProcessSpec("dotnet", [host, engine.ToText(), bench.ConnectionString("online_fm"), assembly, "--tag", "online-bench"]) { Timeout = TimeSpan.FromMinutes(30) },
            CancellationToken.None));
        return new Result(tool, fluentMigrator);
    }

    /// <summary>
    /// A column type change (int to bigint, tag online-copy-bench) of a big table under four
    /// writing clients: `orchestrator migrate` (an online table copy) against the plain ALTER TABLE
    /// a user would send with the engine's client, on a database of its own filled the same way.
    /// </summary>
    public static async Task<Result> RunCopyAsync(string root, EngineKind engine, int rows)
    {
        var assembly = Path.Combine(root, "tests", "Orchestrator.TestMigrations", "bin", "Release", "net10.0", "Orchestrator.TestMigrations.dll");
        var cli = MigrationsBenchmark.Built(root, "src", "Orchestrator.Cli");
        await using var bench = await BenchPrimary.StartAsync(engine, replicas: 2);
        var toolEnvironment = await PrepareAsync(bench, "copy_tool", assembly, cli, rows, "online-copy-bench");
        var tool = await MeasureAsync(bench, "copy_tool", async () =>
        {
            var run = await ProcessRunner.RunCheckedAsync(
                new ProcessSpec("dotnet", [cli, "migrate", "-e", toolEnvironment, "--state-dir", bench.StateDir]) { Timeout = TimeSpan.FromMinutes(60) }, CancellationToken.None);
            // Where the copy's time went, as it reported it.
            foreach (var line in (run.StandardOutput + run.StandardError).Split('\n').Where(l => l.Contains("copied ", StringComparison.Ordinal) || l.Contains("agree", StringComparison.Ordinal) || l.Contains("swapped in", StringComparison.Ordinal)))
            {
                Console.WriteLine($"    {line.Trim()}");
            }

            var lines = (run.StandardOutput + run.StandardError).Split('\n');
            Console.WriteLine($"    the copy paused {lines.Count(l => l.Contains("pausing the copy", StringComparison.Ordinal))} times; the first: {lines.FirstOrDefault(l => l.Contains("pausing the copy", StringComparison.Ordinal))?.Trim() ?? "none"}");
        });

        await PrepareAsync(bench, "copy_alter", assembly, cli, rows, "online-copy-bench");
        var alter = await MeasureAsync(bench, "copy_alter", async () =>
        {
            await using var session = await ConnectAsync(bench, "primary", "copy_alter");
            await session.ExecuteAsync(engine == EngineKind.Postgres
                ? "ALTER TABLE bench_busy ALTER COLUMN customer_id TYPE bigint"
                : "ALTER TABLE bench_busy MODIFY COLUMN customer_id BIGINT NULL");
        });
        Side? percona = null;
        if (engine == EngineKind.MariaDb && File.Exists("/usr/bin/pt-online-schema-change"))
        {
            await PrepareAsync(bench, "copy_pt", assembly, cli, rows, "online-copy-bench");
            percona = await MeasureAsync(bench, "copy_pt", () => PtOnlineSchemaChangeAsync(bench, "copy_pt"));
        }

        return new Result(tool, alter, percona);
    }

    /// <summary>
    /// pt-online-schema-change with its defaults for chunk time (0.5 s) and the tool's lag limit
    /// (1.5 s) against replica-1, the replica it can check; a defaults file carries the password and
    /// TLS (its DSNs have no TLS option), 0600 in the benchmark's directory.
    /// </summary>
    private static async Task PtOnlineSchemaChangeAsync(BenchPrimary bench, string database)
    {
        var credentials = bench.Credentials;
        var file = Path.Combine(bench.Directory, "pt-osc.cnf");
        await File.WriteAllTextAsync(file, "");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(
            file,
            $"[client]\nuser={credentials.AdminUser}\npassword={credentials.AdminPassword.Reveal()}\nssl-ca={credentials.TrustedCaFile}\nssl-verify-server-cert\n");
        var primary = bench.Environment.Primary;
        var replica = bench.Environment.Node("replica-1");
        await ProcessRunner.RunCheckedAsync(
            new ProcessSpec("/usr/bin/pt-online-schema-change",
            [
                "--alter", "MODIFY COLUMN customer_id BIGINT NULL", "--execute", "--no-version-check", "--recursion-method=none",
                "--check-slave-lag", $"h={replica.Host},P={replica.Port},F={file}", "--max-lag", "1.5",
                $"D={database},t=bench_busy,h={primary.Host},P={primary.Port},F={file}",
            ]) { Timeout = TimeSpan.FromMinutes(60) },
            CancellationToken.None);
    }

    private static async Task AlterInTwoPhasesAsync(BenchPrimary bench)
    {
        await using (var primary = await ConnectAsync(bench, "primary", "app"))
        {
            await primary.ExecuteAsync("SET GLOBAL binlog_alter_two_phase = ON");
        }

        foreach (var replica in bench.Environment.Nodes.Where(n => n.Role == NodeRole.Replica))
        {
            await using var session = await ConnectAsync(bench, replica.Name, "app");
            await session.ExecuteAsync("STOP SLAVE");
            await session.ExecuteAsync("SET GLOBAL slave_parallel_threads = 4");
            await session.ExecuteAsync("START SLAVE");
        }
    }

    /// <summary>A database at version 9821 with <paramref name="rows"/> rows and a heartbeat row, replicated; returns its environment file.</summary>
    private static async Task<string> PrepareAsync(BenchPrimary bench, string database, string assembly, string cli, int rows, string tag = "online-bench")
    {
        await bench.CreateDatabaseAsync(database);
        var environment = await bench.EnvironmentForAsync(database, assembly, tag);
        await ProcessRunner.RunCheckedAsync(
            new ProcessSpec("dotnet", [cli, "migrate", "-e", environment, "--state-dir", bench.StateDir, "--to", Created.ToString(CultureInfo.InvariantCulture)]), CancellationToken.None);
        await using var session = await ConnectAsync(bench, "primary", database);
        var postgres = bench.Environment.Engine == EngineKind.Postgres;
        await session.ExecuteAsync(postgres
            ? "INSERT INTO bench_busy (id, status, code, customer_id) SELECT g, 'new', 'c' || g, 1 + g % 100 FROM generate_series(1, $1) g"
            : $"INSERT INTO bench_busy (id, status, code, customer_id) SELECT seq, 'new', CONCAT('c', seq), 1 + seq % 100 FROM seq_1_to_{rows}",
            postgres ? [rows] : []);
        await session.ExecuteAsync(postgres ? "VACUUM ANALYZE bench_busy" : "ANALYZE TABLE bench_busy");

        // Last, so that a replica showing the heartbeat row has replayed everything before it.
        await session.ExecuteAsync(postgres
            ? "CREATE TABLE heartbeat (id int PRIMARY KEY, at timestamptz NOT NULL)"
            : "CREATE TABLE heartbeat (id INT PRIMARY KEY, at DATETIME(6) NOT NULL)");
        await session.ExecuteAsync(postgres ? "INSERT INTO heartbeat VALUES (1, clock_timestamp())" : "INSERT INTO heartbeat VALUES (1, NOW(6))");
        await WaitForReplicasAsync(bench, database, TimeSpan.FromMinutes(10));
        return environment;
    }

    private static async Task<Side> MeasureAsync(BenchPrimary bench, string database, Func<Task> migrate)
    {
        var insert = bench.Environment.Engine == EngineKind.Postgres
            ? "INSERT INTO bench_busy (id, status, code, customer_id) VALUES ($1, 'w', $2, NULL)"
            : "INSERT INTO bench_busy (id, status, code, customer_id) VALUES (?, 'w', ?, NULL)";
        using var stop = new CancellationTokenSource();
        // A fresh beat the replicas have replayed first: the row's age since the fill is not lag.
        await using (var primary = await ConnectAsync(bench, "primary", database))
        {
            await primary.ExecuteAsync(bench.Environment.Engine == EngineKind.Postgres ? "UPDATE heartbeat SET at = clock_timestamp()" : "UPDATE heartbeat SET at = NOW(6)");
        }

        await WaitForReplicasAsync(bench, database, TimeSpan.FromMinutes(10));
        var heartbeat = BeatAsync(bench, database, stop.Token);
        var clock = new Stopwatch();
        var lags = bench.Environment.Nodes.Where(n => n.Role == NodeRole.Replica).Select(n => SampleLagAsync(bench, n.Name, database, clock, stop.Token)).ToList();
        Side side;
        await using (var load = await WriteLoad.StartAsync(bench, clients: 4, new WriteTarget(database, "bench_busy", null, insert)))
        {
            var from = load.Now;
            clock.Start();
            await migrate();
            var total = clock.Elapsed;
            var to = load.Now;
            await WaitForReplicasAsync(bench, database, TimeSpan.FromMinutes(10));
            side = new Side(total, load.LongestGap(from, to), load.Latency(0.99, from, to), TimeSpan.Zero, load.Count);
        }

        await stop.CancelAsync();
        await heartbeat;
        var samples = await Task.WhenAll(lags);
        // When the lag happened tells which phase caused it.
        foreach (var sample in samples)
        {
            var over = sample.Behind is { } behind ? string.Create(CultureInfo.InvariantCulture, $"; over 2 s from {behind.From.TotalSeconds:0.0} s to {behind.To.TotalSeconds:0.0} s") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {database}: {sample.Node} lagged at most {sample.Highest.TotalSeconds:0.00} s, {sample.At.TotalSeconds:0.0} s into a run of {side.Total.TotalSeconds:0.0} s{over}"));
        }

        return side with { HighestLag = samples.Max(s => s.Highest) };
    }

    private sealed record LagSample(string Node, TimeSpan Highest, TimeSpan At, (TimeSpan From, TimeSpan To)? Behind);

    /// <summary>Writes the primary's clock into the heartbeat row every 100 ms.</summary>
    private static async Task BeatAsync(BenchPrimary bench, string database, CancellationToken stop)
    {
        await using var session = await ConnectAsync(bench, "primary", database);
        var beat = bench.Environment.Engine == EngineKind.Postgres ? "UPDATE heartbeat SET at = clock_timestamp()" : "UPDATE heartbeat SET at = NOW(6)";
        while (!stop.IsCancellationRequested)
        {
            await session.ExecuteAsync(beat, cancellationToken: CancellationToken.None);
            await Delay(100, stop);
        }
    }

    /// <summary>The highest age of the heartbeat a replica showed, read every 50 ms (same machine, same clock), when, and when it was over 2 s.</summary>
    private static async Task<LagSample> SampleLagAsync(BenchPrimary bench, string node, string database, Stopwatch clock, CancellationToken stop)
    {
        await using var session = await ConnectAsync(bench, node, database);
        var age = bench.Environment.Engine == EngineKind.Postgres
            ? "SELECT extract(epoch FROM clock_timestamp() - at)::float8 AS lag FROM heartbeat"
            : "SELECT TIMESTAMPDIFF(MICROSECOND, at, NOW(6)) / 1000000.0 AS lag FROM heartbeat";
        var highest = 0.0;
        var at = TimeSpan.Zero;
        (TimeSpan From, TimeSpan To)? behind = null;
        while (!stop.IsCancellationRequested)
        {
            var lag = (await session.QueryAsync(age, cancellationToken: CancellationToken.None)).Single().GetDouble("lag") ?? 0;
            if (lag > highest)
            {
                (highest, at) = (lag, clock.Elapsed);
            }

            if (lag > 2)
            {
                behind = (behind?.From ?? clock.Elapsed, clock.Elapsed);
            }

            await Delay(50, stop);
        }

        return new LagSample(node, TimeSpan.FromSeconds(highest), at, behind);
    }

    /// <summary>
    /// Until every replica shows the heartbeat row as the primary has it now. Asked of the heartbeat
    /// row only: a scan of the big table on a replica would hold up its replay of the schema changes.
    /// </summary>
    private static async Task WaitForReplicasAsync(BenchPrimary bench, string database, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var postgres = bench.Environment.Engine == EngineKind.Postgres;
        string now;
        await using (var primary = await ConnectAsync(bench, "primary", database))
        {
            now = (await primary.QueryAsync(postgres ? "SELECT at::text AS at FROM heartbeat" : "SELECT CAST(at AS CHAR(26)) AS at FROM heartbeat")).Single().GetString("at")!;
        }

        foreach (var replica in bench.Environment.Nodes.Where(n => n.Role == NodeRole.Replica))
        {
            await using var session = await ConnectAsync(bench, replica.Name, database);
            var caught = postgres ? "SELECT count(*) AS n FROM heartbeat WHERE at >= $1::timestamptz" : "SELECT count(*) AS n FROM heartbeat WHERE at >= CAST(? AS DATETIME(6))";
            while ((await TryCountAsync(session, caught, now)) == 0)
            {
                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"{replica.Name} did not catch up with the primary within {timeout}");
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>The heartbeat table reaches a replica with the rows before it: until then, none.</summary>
    private static async Task<long> TryCountAsync(IDbSession session, string sql, string at)
    {
        try
        {
            return (await session.QueryAsync(sql, [at])).Single().GetInt64("n") ?? 0;
        }
        catch (DatabaseException)
        {
            return 0;
        }
    }

    private static async Task<IDbSession> ConnectAsync(BenchPrimary bench, string node, string database) =>
        await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(bench.Environment.Node(node), bench.Credentials, database), CancellationToken.None);

    private static async Task Delay(int milliseconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(milliseconds, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
