using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A client writing as fast as it can to whichever node accepts writes, one row per
/// transaction with an increasing id, remembering every commit the server acknowledged. A
/// failed statement's id is never reused (its commit is uncertain), so after any fault the
/// acknowledged ids are exactly what must not be lost.
/// </summary>
internal sealed class BackgroundWriter : IAsyncDisposable
{
    public const string Table = "writes";

    private readonly ITestNodes _topology;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<long> _acknowledged = [];
    private readonly Task _loop;
    private long _next = 1;

    private BackgroundWriter(ITestNodes topology)
    {
        _topology = topology;
        _loop = Task.Run(RunAsync);
    }

    public static async Task<BackgroundWriter> StartAsync(ITestNodes topology)
    {
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync($"CREATE TABLE {Table} (id bigint PRIMARY KEY)");
        }

        return new BackgroundWriter(topology);
    }

    public IReadOnlyList<long> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged];
            }
        }
    }

    /// <summary>The node the last acknowledged write went to.</summary>
    public string? WritingTo { get; private set; }

    /// <summary>Waits until <paramref name="more"/> further commits were acknowledged (by <paramref name="node"/>, when given).</summary>
    public Task WaitForMoreAsync(int more, string? node = null)
    {
        var target = Acknowledged.Count + more;
        return TestTopology.EventuallyAsync(() => Task.FromResult(Acknowledged.Count >= target && (node is null || WritingTo == node)), $"{more} more acknowledged writes{(node is null ? "" : $" on {node}")}");
    }

    public async Task<IReadOnlyList<long>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return Acknowledged;
    }

    /// <summary>Acknowledged ids that <paramref name="node"/> does not have.</summary>
    public async Task<IReadOnlyList<long>> MissingOnAsync(string node)
    {
        // Only what was acknowledged before the query started can be expected in its result.
        var acknowledged = Acknowledged;
        await using var session = await _topology.ConnectAsync(node);
        var present = (await session.QueryAsync($"SELECT id FROM {Table}")).Select(r => r.GetInt64("id")!.Value).ToHashSet();
        return acknowledged.Where(id => !present.Contains(id)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var insert = _topology.Engine == EngineKind.Postgres ? $"INSERT INTO {Table} (id) VALUES ($1)" : $"INSERT INTO {Table} (id) VALUES (?)";
        IDbSession? session = null;
        string? node = null;
        while (!_stop.IsCancellationRequested)
        {
            if (session is null)
            {
                (session, node) = await FindWritableAsync();
                if (session is null)
                {
                    await Task.Delay(5);
                    continue;
                }
            }

            var id = _next++;
            try
            {
                await session.ExecuteAsync(insert, [id]);
                lock (_acknowledged)
                {
                    _acknowledged.Add(id);
                }

                WritingTo = node;
            }
            catch (DatabaseException)
            {
                await session.DisposeAsync();
                session = null;
            }
        }

        if (session is not null)
        {
            await session.DisposeAsync();
        }
    }

    private async Task<(IDbSession?, string?)> FindWritableAsync()
    {
        foreach (var node in _topology.Environment.Nodes)
        {
            try
            {
                var session = await _topology.ConnectAsync(node.Name);
                if (await WritableSampler.IsWritableAsync(session, _topology.Engine))
                {
                    return (session, node.Name);
                }

                await session.DisposeAsync();
            }
            catch (DatabaseException)
            {
                // Down, starting or refusing: try the next node.
            }
        }

        return (null, null);
    }
}
