using Orchestrator.Environments;

namespace Orchestrator.Topology;

/// <summary>
/// Moving the primary role between local nodes (switchover, failover, rejoin). Configuration
/// written here follows the environment the server was created with: create it with the shape
/// being moved to.
/// </summary>
internal interface IReplicationControl
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

    /// <summary>Waits until <paramref name="replica"/> has applied <paramref name="position"/>; false when the timeout passed first.</summary>
    Task<bool> WaitAppliedAsync(NodeDefinition replica, string position, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// With the primary gone: lets the replica apply everything it received (so nothing received
    /// is discarded) and returns the position it reached.
    /// </summary>
    Task<string> DrainAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Orders two positions of this engine: negative, zero or positive; null when neither contains the other.</summary>
    int? ComparePositions(string a, string b);

    /// <summary>Transactions written directly on a replica since it became one (none on engines whose replicas cannot write).</summary>
    Task<IReadOnlyList<string>> ErrantTransactionsAsync(NodeDefinition replica, CancellationToken cancellationToken);

    /// <summary>Turns a replica that has applied everything into a writable primary.</summary>
    Task PromoteAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Makes a replica replicate from <paramref name="source"/> (it must have applied everything the old source sent).</summary>
    Task RepointAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken);

    /// <summary>
    /// Turns a former primary into a replica of <paramref name="source"/> and starts it;
    /// returns what was done. Throws <see cref="RoleChanges.RejoinRefusedException"/> when it
    /// cannot follow <paramref name="source"/> without losing or mixing data.
    /// </summary>
    /// <param name="fenced">The record fences the node (a failover's old primary): it followed nobody since, so a history of its own after that was started by hand.</param>
    Task<string> RejoinAsync(NodeDefinition node, NodeDefinition source, bool fenced, CancellationToken cancellationToken);

    /// <summary>Stops a failed primary for good (killing it if it still runs) and makes a later start come up read-only.</summary>
    Task FenceAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the files that make any later start of the node come up unable to take writes,
    /// and only files: its server is not running, and its host may run no program (a killed
    /// container). Does nothing for a node that has no data.
    /// </summary>
    Task WriteFenceAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Rewrites the node's configuration from this server's environment and applies it to the running server.</summary>
    Task ReloadConfigAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Removes what the node keeps for replicas that no longer replicate from it (PostgreSQL slots).</summary>
    Task DropStaleReplicationStateAsync(NodeDefinition node, CancellationToken cancellationToken);
}
