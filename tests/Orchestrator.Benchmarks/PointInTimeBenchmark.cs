using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// A point-in-time restore of a physical base backup plus the log a write load archived after it,
/// to a moment in the middle of that load: `orchestrator rehearse --to-time` (a scratch node,
/// the backup's files and the archive checked, replay stopped at the target and the next
/// transaction proven absent) against the same restore by hand with the raw tools, alternating
/// which goes first. PostgreSQL by hand: copy the backup's data directory, recovery.signal,
/// restore_command and recovery_target_time, pg_ctl start, wait until recovery ends. MariaDB by
/// hand: copy the prepared data directory, start mariadbd on it, pipe the archived binary logs
/// through mariadb-binlog --start-position (the backup's GTID) --stop-datetime into the mariadb
/// client, shut down.
/// </summary>
internal static class PointInTimeBenchmark
{
    public sealed record Result(TimeSpan Tool, TimeSpan ByHand, long BaseBytes, int ArchivedSegments);

    public static async Task<Result> RunAsync(string repositoryRoot, EngineKind engine, int rounds, int rows, TimeSpan load)
    {
        var postgres = engine == EngineKind.Postgres;
        await using var bench = await BenchPrimary.StartAsync(engine, replicas: 1, archive: "archive");
        var cli = MigrationsBenchmark.Built(repositoryRoot, "src", "Orchestrator.Cli");
        await using (var session = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(bench.Environment.Primary, bench.Credentials, "app"), CancellationToken.None))
        {
            await session.ExecuteAsync(postgres
                ? $"CREATE TABLE loaded AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, {rows.ToString(CultureInfo.InvariantCulture)}) AS g"
                : $"CREATE TABLE loaded (id bigint PRIMARY KEY, payload char(32)) AS SELECT seq AS id, md5(seq) AS payload FROM seq_1_to_{rows.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!postgres)
        {
            // The backup is taken on the replica, which applies the load's one long statement after the primary did.
            await using var primarySession = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(bench.Environment.Primary, bench.Credentials), CancellationToken.None);
            var written = await bench.Engine.Replay.CommitPositionAsync(primarySession, CancellationToken.None);
            await using var replicaSession = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(bench.Environment.Replicas.First(), bench.Credentials), CancellationToken.None);
            await bench.Engine.Replay.WaitForReplayAsync(replicaSession, written, TimeSpan.FromHours(1), CancellationToken.None);
        }

        var backup = Path.Combine(bench.Directory, "base");
        await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "backup", "-e", bench.Environment.FilePath, "--state-dir", bench.StateDir, "--kind", "physical", "--out", backup]) { Timeout = TimeSpan.FromMinutes(30) }, CancellationToken.None);

        DateTimeOffset target;
        await using (var writes = await WriteLoad.StartAsync(bench, clients: 4))
        {
            await Task.Delay(load / 2);
            target = DateTimeOffset.UtcNow;
            await Task.Delay(load / 2);
        }

        await using (var session = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(bench.Environment.Primary, bench.Credentials, "app"), CancellationToken.None))
        {
            await session.ExecuteAsync(postgres ? "SELECT pg_switch_wal()" : "FLUSH BINARY LOGS");
        }

        var wal = Path.Combine(bench.Directory, "archive", postgres ? "wal" : "binlog");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var text = target.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", CultureInfo.InvariantCulture);
        var tool = new List<TimeSpan>();
        var byHand = new List<TimeSpan>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var side in round % 2 == 0 ? new[] { 0, 1 } : [1, 0])
            {
                var clock = Stopwatch.StartNew();
                if (side == 0)
                {
                    var run = await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "rehearse", "-e", bench.Environment.FilePath, "--state-dir", bench.StateDir, "--backup", backup, "--to-time", text, "--json"]) { Timeout = TimeSpan.FromMinutes(30) }, CancellationToken.None);
                    tool.Add(clock.Elapsed);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1} orchestrator: {clock.Elapsed.TotalSeconds:0.00} s"));

                    // Where the tool's time went.
                    using var report = System.Text.Json.JsonDocument.Parse(run.StandardOutput);
                    Console.Error.WriteLine("  rehearse steps: " + string.Join(", ", report.RootElement.GetProperty("steps").EnumerateArray().Select(step => $"{step.GetProperty("name").GetString()} {step.GetProperty("seconds").GetDouble():0.00} s")));
                }
                else
                {
                    await (postgres ? ByHandAsync(bench, backup, wal, text) : MariaDbByHandAsync(backup, wal, target));
                    byHand.Add(clock.Elapsed);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1} by hand: {clock.Elapsed.TotalSeconds:0.00} s"));
                }
            }
        }

        var baseBytes = Directory.EnumerateFiles(Path.Combine(backup, "data"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var segments = postgres
            ? Directory.EnumerateFiles(wal).Count(f => Path.GetFileName(f).Length == 24)
            : Directory.EnumerateFiles(Path.Combine(wal, "primary"), "binlog.??????", SearchOption.AllDirectories).Count();
        return new Result(MigrationsBenchmark.Median(tool), MigrationsBenchmark.Median(byHand), baseBytes, segments);
    }

    /// <summary>
    /// The MariaDB restore as a person would type it: a copy of the prepared data, mariadbd on it
    /// (no grant tables, no network), the primary's archived logs from the backup's GTID position
    /// to the target time piped into it, shutdown.
    /// </summary>
    private static async Task MariaDbByHandAsync(string backup, string binlogs, DateTimeOffset target)
    {
        var scratch = Directory.CreateTempSubdirectory("orch-bench-pitr-").FullName;
        var data = Path.Combine(scratch, "data");
        var socket = Path.Combine(scratch, "s.sock");
        var position = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"))).RootElement.GetProperty("position").GetString()!;
        var logs = Directory.EnumerateFiles(Path.Combine(binlogs, "primary"), "binlog.??????", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        try
        {
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("cp", ["-a", Path.Combine(backup, "data"), data]), CancellationToken.None);
            await ProcessRunner.StartDetachedAsync(new ProcessSpec("mariadbd", [
                "--no-defaults", "--user=root", $"--datadir={data}", $"--socket={socket}", "--skip-networking", "--skip-grant-tables", $"--pid-file={scratch}/pid",
                "--innodb-buffer-pool-size=256M",
            ]), Path.Combine(scratch, "log"), CancellationToken.None);
            while ((await ProcessRunner.RunAsync(new ProcessSpec("mariadb-admin", ["--no-defaults", $"--socket={socket}", "ping"]), CancellationToken.None)).ExitCode != 0)
            {
                await Task.Delay(50);
            }

            // mariadb-binlog reads --stop-datetime in the local time zone: UTC here.
            var stop = target.UtcDateTime.AddSeconds(1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            await ProcessPipeline.PipeAsync(
                new ProcessSpec("mariadb-binlog", ["--no-defaults", $"--start-position={position}", $"--stop-datetime={stop}", .. logs]) { Environment = new Dictionary<string, string> { ["TZ"] = "UTC" } },
                new ProcessSpec("mariadb", ["--no-defaults", $"--socket={socket}", "--binary-mode"]),
                1,
                (_, _) => { },
                CancellationToken.None);
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("mariadb-admin", ["--no-defaults", $"--socket={socket}", "shutdown"]), CancellationToken.None);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The restore as a person would type it: a copy of the backup's data, recovery settings, start, wait, stop.</summary>
    private static async Task ByHandAsync(BenchPrimary bench, string backup, string wal, string target)
    {
        var bin = (await ProcessRunner.RunCheckedAsync(new ProcessSpec("pg_config", ["--bindir"]), CancellationToken.None)).StandardOutput.Trim();
        var scratch = Directory.CreateTempSubdirectory("orch-bench-pitr-").FullName;
        File.SetUnixFileMode(scratch, (UnixFileMode)Convert.ToInt32("755", 8));
        var data = Path.Combine(scratch, "data");
        try
        {
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("cp", ["-a", Path.Combine(backup, "data"), data]), CancellationToken.None);
            File.Delete(Path.Combine(data, "standby.signal"));
            await File.WriteAllTextAsync(Path.Combine(data, "recovery.signal"), "");
            await File.WriteAllTextAsync(Path.Combine(scratch, "hba.conf"), "local all all trust\n");
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("chown", ["-R", "postgres:", scratch]), CancellationToken.None);
            var options = string.Join(' ',
                "-c port=5499", "-c listen_addresses=''", $"-c unix_socket_directories='{scratch}'", $"-c hba_file='{scratch}/hba.conf'",
                "-c ssl=off", "-c archive_mode=off", "-c synchronous_standby_names=''",
                $"-c restore_command='cp {wal}/%f %p'", $"-c recovery_target_time='{target}'", "-c recovery_target_action=promote");
            await ProcessRunner.RunCheckedAsync(new ProcessSpec(Path.Combine(bin, "pg_ctl"), ["start", "-D", data, "-w", "-l", Path.Combine(scratch, "log"), "-o", options]) { RunAs = "postgres" }, CancellationToken.None);
            while (true)
            {
                var probe = await ProcessRunner.RunAsync(new ProcessSpec(Path.Combine(bin, "psql"), ["-h", scratch, "-p", "5499", "-U", bench.Credentials.AdminUser, "-d", "postgres", "-Atc", "SELECT pg_is_in_recovery()"]) { RunAs = "postgres" }, CancellationToken.None);
                if (probe.ExitCode == 0 && probe.StandardOutput.Trim() == "f")
                {
                    break;
                }

                await Task.Delay(50);
            }

            await ProcessRunner.RunCheckedAsync(new ProcessSpec(Path.Combine(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w"]) { RunAs = "postgres" }, CancellationToken.None);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
