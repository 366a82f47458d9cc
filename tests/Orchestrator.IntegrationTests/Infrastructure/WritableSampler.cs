using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Asks every node, round after round, whether it accepts writes, and remembers any round in
/// which more than one did: two writable primaries at once, what fencing must prevent. A node
/// that does not answer proves nothing either way, so rounds in which every node answered are
/// counted apart, and tests require enough of them (<see cref="AssertSampled"/>).
/// </summary>
internal sealed class WritableSampler : IAsyncDisposable
{
    private readonly ITestNodes _topology;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _splitRounds = [];
    private readonly Task _loop;
    private int _rounds;
    private int _completeRounds;
    private int _connectionErrors;

    public WritableSampler(ITestNodes topology)
    {
        _topology = topology;
        _loop = Task.Run(RunAsync);
    }

    public int Rounds => Volatile.Read(ref _rounds);

    /// <summary>Rounds in which every node answered.</summary>
    public int CompleteRounds => Volatile.Read(ref _completeRounds);

    /// <summary>Nodes that could not be asked, summed over all rounds (a stopped or fenced node, a node restarting).</summary>
    public int ConnectionErrors => Volatile.Read(ref _connectionErrors);

    /// <summary>Rounds that found several writable nodes, each as "a, b".</summary>
    public IReadOnlyList<string> SplitRounds
    {
        get
        {
            lock (_splitRounds)
            {
                return [.. _splitRounds];
            }
        }
    }

    public string Summary => $"{Rounds} sampling rounds, {CompleteRounds} with every node answering, {ConnectionErrors} unanswered asks, {SplitRounds.Count} with two writable nodes";

    public static async Task<bool> IsWritableAsync(IDbSession session, EngineKind engine)
    {
        var sql = engine == EngineKind.Postgres
            ? "SELECT CASE WHEN pg_is_in_recovery() THEN 0 ELSE 1 END AS writable"
            : "SELECT CASE WHEN @@read_only = 0 THEN 1 ELSE 0 END AS writable";
        return (await session.QueryAsync(sql)).Single().GetInt64("writable") == 1;
    }

    /// <summary>Fails unless at least <paramref name="minimumCompleteRounds"/> rounds heard every node and none found two writable nodes.</summary>
    public void AssertSampled(int minimumCompleteRounds)
    {
        Assert.True(CompleteRounds >= minimumCompleteRounds, $"the sampler proved too little: {Summary}");
        Assert.Empty(SplitRounds);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var answers = await Task.WhenAll(_topology.Environment.Nodes.Select(async node =>
            {
                try
                {
                    await using var session = await _topology.ConnectAsync(node.Name, database: null);
                    return (node.Name, Answered: true, Writable: await IsWritableAsync(session, _topology.Engine));
                }
                catch (DatabaseException)
                {
                    return (node.Name, Answered: false, Writable: false);
                }
            }));
            var writable = answers.Where(a => a.Writable).Select(a => a.Name).ToList();
            if (writable.Count > 1)
            {
                lock (_splitRounds)
                {
                    _splitRounds.Add(string.Join(", ", writable));
                }
            }

            var unanswered = answers.Count(a => !a.Answered);
            Interlocked.Add(ref _connectionErrors, unanswered);
            if (unanswered == 0)
            {
                Interlocked.Increment(ref _completeRounds);
            }

            Interlocked.Increment(ref _rounds);
            await Task.Delay(10);
        }
    }
}
