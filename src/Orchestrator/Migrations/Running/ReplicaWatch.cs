using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Servers;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// The replicas that must replay each migration, cascading ones included, with one session each
/// kept open for the whole run. A replica that cannot be reached is reported at once rather than
/// waited for.
/// </summary>
internal sealed class ReplicaWatch(
    IReadOnlyList<NodeDefinition> replicas,
    Func<NodeDefinition, CancellationToken, Task<IDbSession>> connect,
    IVersionRecords store,
    IReplayPositions replay,
    TimeSpan timeout) : IAsyncDisposable
{
    private readonly Dictionary<string, IDbSession> _sessions = [];

    public IReadOnlyList<NodeDefinition> Replicas => replicas;

    /// <summary>How long a replica may take to replay a migration before the run stops waiting.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>Waits until every replica has replayed <paramref name="position"/> and, when given, shows <paramref name="version"/>.</summary>
    public async Task<IReadOnlyList<ReplicaReplay>> VerifyAsync(string position, long? version, CancellationToken cancellationToken) =>
        await Task.WhenAll(replicas.Select(r => VerifyAsync(r, position, version, cancellationToken)));

    /// <summary>Asks every replica one query whose first row's first value is a number (its answer, or null without a row), each in parallel; a replica that fails says why.</summary>
    public async Task<IReadOnlyList<ReplicaHeartbeat>> AskEachAsync(SqlStatement query, CancellationToken cancellationToken) =>
        await Task.WhenAll(replicas.Select(async node =>
        {
            try
            {
                var session = await SessionAsync(node, cancellationToken);
                try
                {
                    var row = (await session.QueryAsync(query.Sql, query.Parameters, cancellationToken)).FirstOrDefault();
                    return new ReplicaHeartbeat(node.Name, row is null ? null : Convert.ToInt64(row.Values.Values.First(), System.Globalization.CultureInfo.InvariantCulture), null);
                }
                catch (DatabaseException)
                {
                    // When the replica still answers, it has not replayed what the query reads (the copy's state table): it is behind.
                    await session.QueryAsync("SELECT 1", cancellationToken: cancellationToken);
                    return new ReplicaHeartbeat(node.Name, null, null);
                }
            }
            catch (DatabaseException e)
            {
                await ForgetAsync(node);
                return new ReplicaHeartbeat(node.Name, null, e.Message);
            }
        }));

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await session.DisposeAsync();
        }

        _sessions.Clear();
    }

    private async Task<ReplicaReplay> VerifyAsync(NodeDefinition node, string position, long? version, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var session = await SessionAsync(node, cancellationToken);
            if (!await replay.WaitForReplayAsync(session, position, timeout, cancellationToken))
            {
                return new ReplicaReplay(node.Name, clock.Elapsed, new ReplayFailure(ReplayFailureKind.NotReplayedInTime, node.Name, position) { Timeout = timeout });
            }

            if (version is { } expected && !await store.HasVersionAsync(session, expected, cancellationToken))
            {
                return new ReplicaReplay(node.Name, clock.Elapsed, new ReplayFailure(ReplayFailureKind.NoVersionRow, node.Name, position) { Version = expected });
            }

            return new ReplicaReplay(node.Name, clock.Elapsed, null);
        }
        catch (DatabaseException e)
        {
            await ForgetAsync(node);
            return new ReplicaReplay(node.Name, clock.Elapsed, new ReplayFailure(ReplayFailureKind.Unreachable, node.Name, position) { Error = e.Message });
        }
    }

    private async Task<IDbSession> SessionAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        IDbSession? session;
        lock (_sessions)
        {
            _sessions.TryGetValue(node.Name, out session);
        }

        if (session is not null)
        {
            return session;
        }

        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                session = await connect(node, cancellationToken);
                break;
            }
            catch (DatabaseException e) when (replay.IsNotYetReplicated(e) && DateTime.UtcNow < deadline)
            {
                // The replica has not replayed the database's creation yet: that is lag, so keep waiting.
                await Task.Delay(10, cancellationToken);
            }
        }

        lock (_sessions)
        {
            _sessions[node.Name] = session;
        }

        return session;
    }

    private async Task ForgetAsync(NodeDefinition node)
    {
        IDbSession? session;
        lock (_sessions)
        {
            _sessions.Remove(node.Name, out session);
        }

        if (session is not null)
        {
            await session.DisposeAsync();
        }
    }
}
