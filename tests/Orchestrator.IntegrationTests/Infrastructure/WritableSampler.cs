using System.Diagnostics;
using Orchestrator.Data;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// <see cref="SamplingRounds"/> on a test's topology, asking each node's server whether it takes
/// writes (<see cref="Writability"/>) over a fresh session every 10 ms, all nodes at the same
/// moment once each round's sessions are open, and the assertion that
/// fails a check that never sampled (<see cref="AssertSampled"/>).
/// </summary>
internal sealed class WritableSampler : IAsyncDisposable
{
    private readonly SamplingRounds _rounds;
    private readonly Lock _gateLock = new();
    private readonly int _nodes;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public WritableSampler(ITestNodes topology)
    {
        _nodes = topology.Environment.Nodes.Count;
        _rounds = new SamplingRounds(
            topology.Environment.Nodes.Select(n => n.Name).ToList(),
            async node =>
            {
                IDbSession? session = null;
                Task connected;
                try
                {
                    session = await topology.ConnectAsync(node, database: null);
                }
                catch (DatabaseException)
                {
                    // Not asked this round; the others are still released below.
                }
                finally
                {
                    connected = ConnectedAsync();
                }

                if (session is null)
                {
                    return null;
                }

                await using (session)
                {
                    // Every node is asked at the same moment, once all are connected: a round's
                    // answers then describe one instant, not instants a TLS handshake apart, between
                    // which a switchover may have fenced one node and promoted the other.
                    await connected;
                    try
                    {
                        return await Writability.IsWritableAsync(session, topology.Engine);
                    }
                    catch (DatabaseException)
                    {
                        return null;
                    }
                }
            },
            TimeSpan.FromMilliseconds(10),
            Stopwatch.StartNew());
    }

    /// <summary>Completes once every node of the round has connected (or failed to): each ask of a round arrives once.</summary>
    private Task ConnectedAsync()
    {
        lock (_gateLock)
        {
            var gate = _connected;
            if (++_arrived == _nodes)
            {
                _arrived = 0;
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                gate.SetResult();
            }

            return gate.Task;
        }
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
