using System.Globalization;
using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.State;
using Orchestrator.Hosts;
using Orchestrator.TestSupport;

namespace Orchestrator.Benchmarks;

/// <summary>
/// The write-refused window of a switchover on a three-node topology (a primary, two replicas),
/// idle and under a four-client insert load: as the tool reports it, and as the clients felt it
/// (the longest gap between acknowledged commits). The baseline is the same role change done by
/// hand with the raw tools, timed from refusing writes to the promoted node accepting them:
/// pg_ctl stop -m fast then pg_ctl promote -w; or SET GLOBAL read_only, MASTER_GTID_WAIT,
/// STOP SLAVE, RESET SLAVE ALL, read_only off through the mariadb client.
/// </summary>
internal static class SwitchoverBenchmark
{
    public sealed record Result(TimeSpan Tool, TimeSpan ToolClientGap, TimeSpan Baseline, TimeSpan BaselineClientGap)
    {
        /// <summary>The longest windows of the rounds: the tool's, and the by-hand one's.</summary>
        public (TimeSpan Tool, TimeSpan Baseline) Worst { get; init; }
    }

    public static async Task<Result> RunAsync(EngineKind engine, bool loaded, int rounds)
    {
        var (tool, toolGap) = await ToolRoundsAsync(engine, loaded, rounds, tls: null);
        var baseline = new List<TimeSpan>();
        var baselineGap = new List<TimeSpan>();
        for (var round = 0; round < rounds; round++)
        {
            // The hand-made switchover leaves nothing the tool could continue from: a fresh topology each round.
            await using var bench = await BenchPrimary.StartAsync(engine, replicas: 2);
            var (window, gap) = await MeasureAsync(bench, loaded, () => ByHandAsync(bench));
            baseline.Add(window);
            baselineGap.Add(gap);
        }

        return new Result(Median(tool), Median(toolGap), Median(baseline), Median(baselineGap)) { Worst = (tool.Max(), baseline.Max()) };
    }

    /// <summary>The tool's switchover window under load with TLS (the default: verify-full everywhere, replicas included) against the same with tls: disable.</summary>
    /// <returns>The median windows, and the median of each round's longest gap between acknowledged commits, as the clients felt it.</returns>
    public static async Task<(TimeSpan WithTls, TimeSpan Plain, TimeSpan TlsGap, TimeSpan PlainGap)> TlsAgainstPlainAsync(EngineKind engine, int rounds)
    {
        var (withTls, tlsGaps) = await ToolRoundsAsync(engine, loaded: true, rounds, tls: null);
        var (plain, plainGaps) = await ToolRoundsAsync(engine, loaded: true, rounds, tls: "disable");
        return (Median(withTls), Median(plain), Median(tlsGaps), Median(plainGaps));
    }

    /// <summary>
    /// The tool's switchover windows and client gaps, one per round, alternating the direction on
    /// one topology. The command runs as users run it, a process of its own: in the benchmark's
    /// process its steps would wait behind the load's clients for the same threads.
    /// </summary>
    private static async Task<(List<TimeSpan> Windows, List<TimeSpan> Gaps)> ToolRoundsAsync(EngineKind engine, bool loaded, int rounds, string? tls)
    {
        var windows = new List<TimeSpan>();
        var gaps = new List<TimeSpan>();
        var cli = MigrationsBenchmark.Built(RepositoryRoot.Find(), "src", "Orchestrator.Cli");
        await using var bench = await BenchPrimary.StartAsync(engine, replicas: 2, tls);

        // Alternate the direction, so every round starts from a settled topology.
        for (var round = 0; round < rounds; round++)
        {
            var to = round % 2 == 0 ? "replica-1" : "primary";
            var (window, gap) = await MeasureAsync(bench, loaded, async () =>
            {
                var run = await ProcessRunner.RunAsync(
                    new ProcessSpec("dotnet", [cli, "switchover", "-e", bench.Environment.FilePath, "--state-dir", bench.StateDir, "--to", to, "--json"]) { Timeout = TimeSpan.FromMinutes(5) },
                    CancellationToken.None);
                using var outcome = System.Text.Json.JsonDocument.Parse(run.StandardOutput);
                var root = outcome.RootElement;
                if (run.ExitCode != 0 || !root.GetProperty("succeeded").GetBoolean())
                {
                    throw new InvalidOperationException($"switchover to {to} failed (exit {run.ExitCode}): {run.StandardOutput} {run.StandardError}");
                }

                // Where the window's time went, step by step (each figure is the window's clock at the step's end).
                Console.Error.WriteLine($"  {engine} {(loaded ? "loaded" : "idle")}{(tls is null ? "" : $" tls: {tls}")} round {round + 1}: " + string.Join(", ", root.GetProperty("changes").EnumerateArray()
                    .TakeWhile(c => c.GetProperty("step").GetString() is not ("replicateFrom" or "rejoin"))
                    .Where(c => c.GetProperty("elapsed").ValueKind == System.Text.Json.JsonValueKind.String)
                    .Select(c => $"{c.GetProperty("step").GetString()} {c.GetProperty("node").GetString()} {TimeSpan.Parse(c.GetProperty("elapsed").GetString()!, CultureInfo.InvariantCulture).TotalMilliseconds:0} ms")));
                return TimeSpan.Parse(root.GetProperty("writeRefusedWindow").GetString()!, CultureInfo.InvariantCulture);
            });
            windows.Add(window);
            gaps.Add(gap);
        }

        return (windows, gaps);
    }

    private static async Task<(TimeSpan Window, TimeSpan ClientGap)> MeasureAsync(BenchPrimary bench, bool loaded, Func<Task<TimeSpan>> switchover)
    {
        if (!loaded)
        {
            return (await switchover(), TimeSpan.Zero);
        }

        await using var load = await WriteLoad.StartAsync(bench, clients: 4);
        var from = load.Now;
        var window = await switchover();
        await Task.Delay(1000);
        return (window, load.LongestGap(from, load.Now));
    }

    private static async Task<TimeSpan> ByHandAsync(BenchPrimary bench)
    {
        var state = new StateLayout(bench.StateDir);
        var primary = bench.Environment.Node("primary");
        var target = bench.Environment.Node("replica-1");
        if (bench.Environment.Engine == EngineKind.Postgres)
        {
            var bin = (await ProcessRunner.RunCheckedAsync(new ProcessSpec("pg_config", ["--bindir"]), CancellationToken.None)).StandardOutput.Trim();
            var clock = Stopwatch.StartNew();
            await ProcessRunner.RunCheckedAsync(new ProcessSpec(Path.Combine(bin, "pg_ctl"), ["stop", "-D", state.DataDir(primary), "-m", "fast", "-w"]) { RunAs = "postgres" }, CancellationToken.None);
            await ProcessRunner.RunCheckedAsync(new ProcessSpec(Path.Combine(bin, "pg_ctl"), ["promote", "-D", state.DataDir(target), "-w"]) { RunAs = "postgres" }, CancellationToken.None);
            return clock.Elapsed;
        }

        string Socket(NodeDefinition node) => Path.Combine(state.NodeDir(node), "mariadb.sock");
        ProcessSpec Client(NodeDefinition node, string sql) =>
            new("mariadb", ["--no-defaults", $"--socket={Socket(node)}", $"--user={Environment.UserName}", "--batch", "--skip-column-names", "-e", sql]);
        var watch = Stopwatch.StartNew();
        var position = (await ProcessRunner.RunCheckedAsync(Client(primary, "SET GLOBAL read_only = ON; SELECT @@gtid_binlog_pos"), CancellationToken.None)).StandardOutput.Trim();
        await ProcessRunner.RunCheckedAsync(Client(target, $"SELECT MASTER_GTID_WAIT('{position}', 60); STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = OFF"), CancellationToken.None);
        return watch.Elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
