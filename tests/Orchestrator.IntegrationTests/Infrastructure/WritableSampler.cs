using System.Diagnostics;
using Orchestrator.Data;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// <see cref="SamplingRounds"/> on a test's topology, asking each node's server whether it takes
/// writes (<see cref="Writability"/>) over a fresh session every 10 ms, and the assertion that
/// fails a check that never sampled (<see cref="AssertSampled"/>).
/// </summary>
internal sealed class WritableSampler : IAsyncDisposable
{
    private readonly SamplingRounds _rounds;

    public WritableSampler(ITestNodes topology)
    {
        _rounds = new SamplingRounds(
            topology.Environment.Nodes.Select(n => n.Name).ToList(),
            async node =>
            {
                try
                {
                    await using var session = await topology.ConnectAsync(node, database: null);
                    return await Writability.IsWritableAsync(session, topology.Engine);
                }
                catch (DatabaseException)
                {
                    return null;
                }
            },
            TimeSpan.FromMilliseconds(10),
            Stopwatch.StartNew());
    }

    public int Rounds => _rounds.Rounds;

    /// <summary>Rounds in which every node answered.</summary>
    public int CompleteRounds => _rounds.CompleteRounds;

    /// <summary>Nodes that could not be asked, summed over all rounds (a stopped or fenced node, a node restarting).</summary>
    public int ConnectionErrors => _rounds.ConnectionErrors;

    /// <summary>Rounds that found several writable nodes, each as "a, b".</summary>
    public IReadOnlyList<string> SplitRounds => _rounds.SplitRounds.Select(r => string.Join(", ", r.Writable)).ToList();

    public string Summary => _rounds.Summary;

    /// <summary>Fails unless at least <paramref name="minimumCompleteRounds"/> rounds heard every node and none found two writable nodes.</summary>
    public void AssertSampled(int minimumCompleteRounds)
    {
        Assert.True(CompleteRounds >= minimumCompleteRounds, $"the sampler proved too little: {Summary}");
        Assert.Empty(SplitRounds);
    }

    public ValueTask DisposeAsync() => _rounds.DisposeAsync();
}
