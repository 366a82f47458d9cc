using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// A point-in-time restore of a physical base backup plus the WAL a write load archived after it,
/// to a moment in the middle of that load: `orchestrator rehearse --to-time` (a scratch node,
/// the backup's files and the archive checked, replay paused at the target and the next
/// transaction proven absent) against the same restore by hand with the raw tools (copy the
/// backup's data directory, recovery.signal, restore_command and recovery_target_time, pg_ctl
/// start, wait until recovery ends), alternating which goes first.
/// </summary>
internal static class PointInTimeBenchmark
{
    public sealed record Result(TimeSpan Tool, TimeSpan ByHand, long BaseBytes, int ArchivedSegments);

    public static async Task<Result> RunAsync(string repositoryRoot, int rounds, int rows, TimeSpan load)
    {
        await using var bench = await BenchPrimary.StartAsync(EngineKind.Postgres, replicas: 1, archive: "archive");
        var cli = MigrationsBenchmark.Built(repositoryRoot, "src", "Orchestrator.Cli");
        await using (var session = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(bench.Environment.Primary, bench.Credentials, "app"), CancellationToken.None))
        {
            await session.ExecuteAsync($"CREATE TABLE loaded AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, {rows.ToString(CultureInfo.InvariantCulture)}) AS g");
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
            await session.ExecuteAsync("SELECT pg_switch_wal()");
        }

        var wal = Path.Combine(bench.Directory, "archive", "wal");
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

                    // Where the tool's time went.
                    using var report = System.Text.Json.JsonDocument.Parse(run.StandardOutput);
                    Console.Error.WriteLine("  rehearse steps: " + string.Join(", ", report.RootElement.GetProperty("steps").EnumerateArray().Select(step => $"{step.GetProperty("name").GetString()} {step.GetProperty("seconds").GetDouble():0.00} s")));
                }
                else
                {
                    await ByHandAsync(bench, backup, wal, text);
                    byHand.Add(clock.Elapsed);
                }
            }
        }

        var baseBytes = Directory.EnumerateFiles(Path.Combine(backup, "data"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var segments = Directory.EnumerateFiles(wal).Count(f => Path.GetFileName(f).Length == 24);
        return new Result(MigrationsBenchmark.Median(tool), MigrationsBenchmark.Median(byHand), baseBytes, segments);
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
