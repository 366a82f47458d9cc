using Orchestrator.Environments;

namespace Orchestrator.Replication;

/// <summary>
/// Giving nodes their new roles: the switchover hand-over, promotion, repointing and rejoining
/// replicas, and the configuration that follows. Configuration written here follows the
/// environment the server was created with: create it with the shape being moved to.
/// </summary>
internal interface IRoleMoves
{
    /// <summary>
    /// Readies a switchover from <paramref name="primary"/> to <paramref name="target"/>: writes the
    /// target's configuration as the primary of this server's environment and opens the sessions
    /// the write-refused window needs. An abandoned hand-over is undone with
    /// <see cref="ResumeWritesAsync"/> and <see cref="ReloadConfigAsync"/> of the target, from a
    /// server created with the shape before.
    /// </summary>
    Task<IHandover> PrepareHandoverAsync(NodeDefinition primary, NodeDefinition target, CancellationToken cancellationToken);

    /// <summary>Lets a primary whose writes were stopped accept them again (an abandoned switchover).</summary>
    Task ResumeWritesAsync(NodeDefinition primary, CancellationToken cancellationToken);

    /// <summary>
    /// Turns a replica that has applied everything into a writable primary (a failover's).
    /// <paramref name="writable"/> is called the moment it takes writes: what follows (its
    /// configuration, the rest of its old replication) is outside the write-refused window.
    /// </summary>
    Task PromoteAsync(NodeDefinition node, Action writable, CancellationToken cancellationToken);

    /// <summary>Makes a replica replicate from <paramref name="source"/> (it must have applied everything the old source sent).</summary>
    Task RepointAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken);

    /// <summary>
    /// Turns a former primary into a replica of <paramref name="source"/> and starts it, and
    /// returns what was done. Throws <see cref="RejoinRefusedException"/> when it
    /// cannot follow <paramref name="source"/> without losing or mixing data.
    /// </summary>
    /// <param name="fenced">The record fences the node (a failover's old primary): it followed nobody since, so a history of its own after that was started by hand.</param>
    Task<RejoinOutcome> RejoinAsync(NodeDefinition node, NodeDefinition source, bool fenced, CancellationToken cancellationToken);

    /// <summary>Rewrites the node's configuration from this server's environment and applies it to the running server.</summary>
    Task ReloadConfigAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Makes the replica connect to its source afresh (a new TLS handshake, which meets the source's current certificate), keeping its position.</summary>
    Task ReconnectAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken);

    /// <summary>Removes what the node keeps for replicas that no longer replicate from it (PostgreSQL slots).</summary>
    Task DropStaleReplicationStateAsync(NodeDefinition node, CancellationToken cancellationToken);
}
