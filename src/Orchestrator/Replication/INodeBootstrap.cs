using Orchestrator.Environments;

namespace Orchestrator.Replication;

/// <summary>Creating a local node: an empty primary, a replica cloned from its source, a node from a physical backup.</summary>
internal interface INodeBootstrap
{
    /// <summary>Creates and starts an empty primary with the environment's accounts.</summary>
    Task InitializePrimaryAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the environment's database on the running primary when it is missing. Replicas
    /// receive it through replication, so this may run while they are being cloned.
    /// </summary>
    Task EnsureDatabaseAsync(NodeDefinition primary, CancellationToken cancellationToken);

    /// <summary>Clones <paramref name="node"/> from its running source and starts it replicating.</summary>
    Task BootstrapReplicaAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken);

    /// <summary>
    /// Creates <paramref name="node"/> (not initialised) from a physical backup: its data as of
    /// the backup's position (or, with <see cref="PhysicalCopy.Replay"/>, the replay target's),
    /// running as a primary with this environment's accounts and passwords. Returns where a replay
    /// stopped; null without one.
    /// </summary>
    Task<RecoveryPoint?> RestorePhysicalAsync(NodeDefinition node, PhysicalCopy copy, CancellationToken cancellationToken);
}
