using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>A PostgreSQL switchover's window, with the target's session open: fast shutdown, replay wait, promotion.</summary>
internal sealed class PostgresHandover(PostgresReplicationControl server, PostgresEngine engine, NodeDefinition primary, NodeDefinition target, IDbSession targetSession) : IHandover
{
    public Task<string> StopWritesAsync(CancellationToken cancellationToken) => server.StopWritesAsync(primary, cancellationToken);

    public Task<bool> WaitAppliedAsync(string position, TimeSpan timeout, CancellationToken cancellationToken) =>
        engine.Replay.WaitForReplayAsync(targetSession, position, timeout, cancellationToken);

    public async Task PromoteAsync(Action writable, CancellationToken cancellationToken)
    {
        await server.PromoteOnAsync(targetSession, target, cancellationToken);
        writable();
    }

    public ValueTask DisposeAsync() => targetSession.DisposeAsync();
}
