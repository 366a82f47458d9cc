using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.State;

namespace Orchestrator.Servers;

/// <summary>
/// What every concern needs from one database engine: connecting, observing a node, lag. Each concern
/// (migrations, backups, drift, monitoring, server control) owns the interface of what it needs beyond
/// this, and the engines implement those; see <c>docs/ARCHITECTURE.md</c>.
/// </summary>
internal interface IEngine
{
    EngineDescriptor Descriptor { get; }

    Task<IDbSession> ConnectAsync(ConnectionTarget target, CancellationToken cancellationToken);

    /// <summary>An admin connection to <paramref name="node"/>; a null database means the engine's maintenance database.</summary>
    ConnectionTarget AdminTarget(NodeDefinition node, EnvironmentCredentials credentials, string? database = null);

    /// <summary>What the server behind <paramref name="session"/> says about itself: role, version, source, position. Server-wide: any database will do.</summary>
    Task<NodeObservation> ObserveAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary><see cref="ObserveAsync(IDbSession, CancellationToken)"/> over an admin session of its own to the maintenance database.</summary>
    async Task<NodeObservation> ObserveAsync(NodeDefinition node, EnvironmentCredentials credentials, CancellationToken cancellationToken)
    {
        await using var session = await ConnectAsync(AdminTarget(node, credentials), cancellationToken);
        return await ObserveAsync(session, cancellationToken);
    }

    ReplicationLag Lag(NodeObservation primary, NodeObservation replica);

    /// <summary>Replication positions: what a primary committed, and waiting for a replica to replay it.</summary>
    IReplayPositions Replay { get; }

    /// <summary>
    /// What keeps an environment's log archive from being current when a process other than its
    /// servers fills it (MariaDB's binary-log archiver), each said so that a person can act on it.
    /// None for engines whose servers archive: their archiving shows in each node's observation.
    /// </summary>
    IReadOnlyList<string> ArchiverProblems(EnvironmentDefinition environment, StateLayout state) => [];
}
