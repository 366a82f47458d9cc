using Orchestrator.Data;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Asks every node, round after round, whether it accepts writes, and remembers any round in
/// which more than one did: two writable primaries at once, what fencing must prevent.
/// </summary>
public sealed class WritableSampler : IAsyncDisposable
{
    private readonly TestTopology _topology;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _splitRounds = [];
    private readonly Task _loop;

    public WritableSampler(TestTopology topology)
    {
        _topology = topology;
        _loop = Task.Run(RunAsync);
    }

    public int Rounds { get; private set; }

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

    public static async Task<bool> IsWritableAsync(IDbSession session, Environments.EngineKind engine)
    {
        var sql = engine == Environments.EngineKind.Postgres
            ? "SELECT CASE WHEN pg_is_in_recovery() THEN 0 ELSE 1 END AS writable"
            : "SELECT CASE WHEN @@read_only = 0 THEN 1 ELSE 0 END AS writable";
        return (await session.QueryAsync(sql)).Single().GetInt64("writable") == 1;
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
            var writable = await Task.WhenAll(_topology.Environment.Nodes.Select(async node =>
            {
                try
                {
                    await using var session = await _topology.ConnectAsync(node.Name, database: null);
                    return await IsWritableAsync(session, _topology.Engine) ? node.Name : null;
                }
                catch (DatabaseException)
                {
                    return null;
                }
            }));
            var names = writable.OfType<string>().ToList();
            if (names.Count > 1)
            {
                lock (_splitRounds)
                {
                    _splitRounds.Add(string.Join(", ", names));
                }
            }

            Rounds++;
            await Task.Delay(10);
        }
    }
}
