using System.Diagnostics;
using System.Globalization;
using Orchestrator.Processes;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `up` of environments/local.yaml (a primary, a replica, a cascading replica) from nothing
/// to every replica streaming, against a plain shell script that does the same steps with
/// initdb, pg_ctl, psql and pg_basebackup. Both run in the same process, alternately.
/// </summary>
internal static class UpBenchmark
{
    public static Task<(TimeSpan Tool, TimeSpan Baseline)> RunAsync(string repositoryRoot, int rounds) =>
        AlternatingRounds.MedianAsync(rounds, _ => TimeToolAsync(repositoryRoot), _ => TimeScriptAsync());

    private static Task<TimeSpan> TimeToolAsync(string repositoryRoot)
    {
        var (work, file) = LocalYamlCopy.Write(repositoryRoot, "orch-bench-up-");
        return AlternatingRounds.TimeUpAsync(file, work);
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
}
