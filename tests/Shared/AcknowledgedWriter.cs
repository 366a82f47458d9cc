using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.TestSupport;

/// <summary>
/// Clients writing as fast as they can to whichever node accepts writes, one row per
/// transaction with an increasing id, remembering every commit the server acknowledged, when
/// and on which node. A failed or given-up statement's id is never reused (its commit is
/// uncertain), so after any fault the acknowledged ids are exactly what must not be lost. A
/// client that loses its node asks every node at once which one takes writes now.
/// </summary>
internal sealed class AcknowledgedWriter : IAsyncDisposable
{
    private readonly WriterTarget _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Ack> _acknowledged = [];
    private readonly Task[] _clients;
    private long _next;
    private string? _writingTo;

    /// <param name="statementTimeout">How long a client waits for one insert (or connection) before it gives the session up; infinite to wait as long as the server takes.</param>
    public AcknowledgedWriter(WriterTarget target, int clients, TimeSpan statementTimeout, Stopwatch clock)
    {
        _target = target;
        StatementTimeout = statementTimeout;
        Clock = clock;
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>One acknowledged commit: its id, the node that acknowledged it, and when (on <see cref="Clock"/>).</summary>
    public sealed record Ack(long Id, string Node, TimeSpan At);

    public TimeSpan StatementTimeout { get; }

    public Stopwatch Clock { get; }

    public IReadOnlyList<Ack> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Count;
            }
        }
    }

    /// <summary>The node the last acknowledged write went to.</summary>
    public string? WritingTo => Volatile.Read(ref _writingTo);

    /// <summary>Stops the clients; a statement under way ends first (or is given up after <see cref="StatementTimeout"/>).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    /// <summary>Acknowledged ids that <paramref name="node"/> does not have.</summary>
    public async Task<IReadOnlyList<long>> MissingOnAsync(string node)
    {
        // Only what was acknowledged before the query started can be expected in its result.
        var acknowledged = Acknowledged;
        await using var session = await _target.Connect(node, CancellationToken.None);
        var present = (await session.QueryAsync($"SELECT id FROM {_target.Table}")).Select(r => r.GetInt64("id")!.Value).ToHashSet();
        return acknowledged.Where(a => !present.Contains(a.Id)).Select(a => a.Id).ToList();
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
        var insert = Writability.InsertId(_target.Engine, _target.Table);
        IDbSession? session = null;
        string? node = null;
        while (!_stop.IsCancellationRequested)
        {
            if (session is null)
            {
                (session, node) = await FindWritableAsync();
                if (session is null)
                {
                    await Task.Delay(_target.RetryDelay);
                    continue;
                }
            }

            var id = Interlocked.Increment(ref _next);
            try
            {
                await BoundedSession.CallAsync(session, s => s.ExecuteAsync(insert, [id]), StatementTimeout);
                lock (_acknowledged)
                {
                    _acknowledged.Add(new Ack(id, node!, Clock.Elapsed));
                }

                Volatile.Write(ref _writingTo, node);
            }
            catch (TimeoutException)
            {
                session = null;
            }
            catch (Exception e) when (e is DatabaseException or InvalidOperationException)
            {
                // Refused, or the connection broke under the driver ("Connection is not open").
                await BoundedSession.CloseQuietlyAsync(session);
                session = null;
            }
        }

        if (session is not null)
        {
            await BoundedSession.CloseQuietlyAsync(session);
        }
    }

    /// <summary>The first node to answer that it takes writes; a frozen node does not hold the others up.</summary>
    private async Task<(IDbSession?, string?)> FindWritableAsync()
    {
        var pending = _target.Nodes.Select(AskAsync).ToList();
        while (pending.Count > 0)
        {
            var answered = await Task.WhenAny(pending);
            pending.Remove(answered);
            var (session, node) = await answered;
            if (session is not null)
            {
                // Two writable nodes are the sampler's to report; the clients write to the first that answered.
                foreach (var other in pending)
                {
                    _ = CloseWhenAnsweredAsync(other);
                }

                return (session, node);
            }
        }

        return (null, null);
    }

    private async Task<(IDbSession? Session, string Node)> AskAsync(string node)
    {
        try
        {
            var session = await BoundedSession.ConnectAsync(ct => _target.Connect(node, ct), StatementTimeout);
            if (await BoundedSession.CallAsync(session, s => Writability.IsWritableAsync(s, _target.Engine), StatementTimeout))
            {
                return (session, node);
            }

            await BoundedSession.CloseQuietlyAsync(session);
        }
        catch (Exception e) when (e is DatabaseException or TimeoutException or InvalidOperationException)
        {
            // Down, starting, frozen or refusing: another node may take the writes.
        }

        return (null, node);
    }

    private static async Task CloseWhenAnsweredAsync(Task<(IDbSession? Session, string Node)> ask)
    {
        if ((await ask).Session is { } session)
        {
            await BoundedSession.CloseQuietlyAsync(session);
        }
    }
}

/// <summary>Where <see cref="AcknowledgedWriter"/>'s clients write: the engine, the nodes in the file's order, how to reach one, the table (with an id bigint primary key).</summary>
internal sealed record WriterTarget(EngineKind Engine, IReadOnlyList<string> Nodes, Func<string, CancellationToken, Task<IDbSession>> Connect, string Table)
{
    /// <summary>How long a client waits before asking the nodes again when none took writes.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(5);
}
