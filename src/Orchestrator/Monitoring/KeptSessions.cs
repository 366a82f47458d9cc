using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Monitoring;

/// <summary>
/// One session per node to the application database, kept between scrapes: connecting costs more
/// than the reads themselves. Only statements run on them, each in its own implicit transaction,
/// so nothing stays open between scrapes but the connection.
/// </summary>
internal sealed class KeptSessions(EnvironmentDefinition environment, IEngine engine, EnvironmentCredentials credentials) : INodeSessions, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IDbSession> _sessions = [];

    public async Task<IDbSession> OpenAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(node.Name, out var kept))
            {
                return kept;
            }
        }

        var session = await engine.ConnectAsync(engine.AdminTarget(node, credentials, environment.Database), cancellationToken);
        lock (_gate)
        {
            _sessions[node.Name] = session;
        }

        return session;
    }

    public void Discard(NodeDefinition node)
    {
        IDbSession? session;
        lock (_gate)
        {
            _sessions.Remove(node.Name, out session);
        }

        // A session that failed or timed out mid-statement is not reused; closing it may itself fail.
        _ = session?.DisposeAsync().AsTask().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        List<IDbSession> sessions;
        lock (_gate)
        {
            sessions = [.. _sessions.Values];
            _sessions.Clear();
        }

        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }
    }
}
