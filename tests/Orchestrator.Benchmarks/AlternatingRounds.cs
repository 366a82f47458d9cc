using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Topology;
using Orchestrator.Composition;

namespace Orchestrator.Benchmarks;

/// <summary>Runs the tool's side and its baseline alternately, round after round, and reports each side's median.</summary>
internal static class AlternatingRounds
{
    public static async Task<(TimeSpan Tool, TimeSpan Baseline)> MedianAsync(int rounds, Func<int, Task<TimeSpan>> tool, Func<int, Task<TimeSpan>> baseline)
    {
        var tools = new List<TimeSpan>();
        var baselines = new List<TimeSpan>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which side goes first, so neither always inherits the other's disk flushing.
            if (round % 2 == 0)
            {
                tools.Add(await tool(round));
                baselines.Add(await baseline(round));
            }
            else
            {
                baselines.Add(await baseline(round));
                tools.Add(await tool(round));
            }
        }

        return (tools.Order().ElementAt(rounds / 2), baselines.Order().ElementAt(rounds / 2));
    }

    /// <summary>The time `up` takes from nothing; the environment is purged and <paramref name="work"/> deleted afterwards.</summary>
    public static async Task<TimeSpan> TimeUpAsync(string file, string work)
    {
        var topology = new LocalTopology(CompositionRoot.Open(EnvironmentLoader.LoadOrThrow(file), Path.Combine(work, "state"), SilentProgress.Instance));
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
}
