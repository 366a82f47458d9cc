using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.State;
using Orchestrator.Topology;
using Orchestrator.Composition;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `orchestrator status` of a copy of environments/local.yaml (three PostgreSQL nodes, the sample
/// migrations applied) as a whole process, once its migrations project was built, against psql
/// asking each node for SELECT 1.
/// </summary>
internal static class StatusBenchmark
{
    public static async Task<(TimeSpan Tool, TimeSpan Baseline)> RunAsync(string repositoryRoot, int rounds)
    {
        var (work, file) = LocalYamlCopy.Write(repositoryRoot, "orch-bench-status-");
        var environment = EnvironmentLoader.LoadOrThrow(file);
        var state = Path.Combine(work, "state");
        var topology = new LocalTopology(CompositionRoot.Open(environment, state, SilentProgress.Instance));
        var cli = Path.Combine(repositoryRoot, "artifacts", "cli", "Orchestrator.Cli.dll");
        try
        {
            await topology.UpAsync(CancellationToken.None);
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "migrate", "-e", file, "--state-dir", state]), CancellationToken.None);
            var credentials = CredentialStore.Resolve(environment, new StateLayout(state), create: false);
            var tool = new List<TimeSpan>();
            var baseline = new List<TimeSpan>();
            for (var round = 0; round < Math.Max(rounds, 5); round++)
            {
                var clock = Stopwatch.StartNew();
                await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "status", "-e", file, "--state-dir", state]), CancellationToken.None);
                tool.Add(clock.Elapsed);

                clock.Restart();
                foreach (var node in environment.Nodes)
                {
                    await ProcessRunner.RunCheckedAsync(
                        new ProcessSpec("psql", ["-X", "-q", "-h", node.Host, "-p", node.Port.ToString(CultureInfo.InvariantCulture), "-U", credentials.AdminUser, "-d", "postgres", "-c", "SELECT 1"])
                        {
                            Environment = new Dictionary<string, string>(BaselineTls.Libpq(credentials)) { ["PGPASSWORD"] = credentials.AdminPassword.Reveal() },
                        },
                        CancellationToken.None);
                }

                baseline.Add(clock.Elapsed);
            }

            return (tool.Order().ElementAt(tool.Count / 2), baseline.Order().ElementAt(baseline.Count / 2));
        }
        finally
        {
            await topology.DownAsync(purge: true, CancellationToken.None);
            Directory.Delete(work, recursive: true);
        }
    }
}
