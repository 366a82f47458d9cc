using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Topology;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `up` of environments/local.yaml (a primary, a replica, a cascading replica) from nothing
/// to every replica streaming, against a plain shell script that does the same steps with
/// initdb, pg_ctl, psql and pg_basebackup. Both run in the same process, alternately.
/// </summary>
internal static class UpBenchmark
{
    public static async Task<(TimeSpan Tool, TimeSpan Script)> RunAsync(string repositoryRoot, int rounds)
    {
        var tool = new List<TimeSpan>();
        var script = new List<TimeSpan>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which side goes first, so neither always inherits the other's disk flushing.
            if (round % 2 == 0)
            {
                tool.Add(await TimeToolAsync(repositoryRoot));
                script.Add(await TimeScriptAsync());
            }
            else
            {
                script.Add(await TimeScriptAsync());
                tool.Add(await TimeToolAsync(repositoryRoot));
            }
        }

        return (Median(tool), Median(script));
    }

    private static async Task<TimeSpan> TimeToolAsync(string repositoryRoot)
    {
        var (work, file) = LocalYamlCopy.Write(repositoryRoot, "orch-bench-up-");
        var environment = EnvironmentLoader.LoadOrThrow(file);
        var topology = new LocalTopology(environment, Path.Combine(work, "state"), SilentProgress.Instance);
        try
        {
            var clock = Stopwatch.StartNew();
            await topology.UpAsync(CancellationToken.None);
            return clock.Elapsed;
        }
        finally
        {
            await topology.DownAsync(purge: true, CancellationToken.None);
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<TimeSpan> TimeScriptAsync()
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-sh-").FullName;
        var ports = FreePorts.Take(3);
        var scriptPath = Path.Combine(work, "up.sh");
        File.WriteAllText(scriptPath, BaselineScript.Text);
        await ProcessRunner.RunCheckedAsync(new ProcessSpec("chown", ["-R", "postgres:", work]), CancellationToken.None);
        var bin = (await ProcessRunner.RunCheckedAsync(new ProcessSpec("pg_config", ["--bindir"]), CancellationToken.None)).StandardOutput.Trim();
        var arguments = new List<string> { scriptPath, bin, work };
        arguments.AddRange(ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        try
        {
            var clock = Stopwatch.StartNew();
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("bash", arguments) { RunAs = "postgres", WorkingDirectory = work }, CancellationToken.None);
            return clock.Elapsed;
        }
        finally
        {
            foreach (var node in new[] { "p", "r1", "r2" })
            {
                await ProcessRunner.RunAsync(new ProcessSpec(Path.Combine(bin, "pg_ctl"), ["stop", "-D", Path.Combine(work, node), "-m", "immediate"]) { RunAs = "postgres" }, CancellationToken.None);
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
