using Orchestrator.Environments;

namespace Orchestrator.Topology;

/// <summary>
/// Provisioning of one engine's servers on this machine (the local provider). Every method
/// acts on one node and may run concurrently for different nodes.
/// </summary>
public interface ILocalServer
{
    /// <summary>Fails with an actionable message when the engine's programs are missing.</summary>
    Task CheckPrerequisitesAsync(CancellationToken cancellationToken);

    Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken);

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
    /// the backup's position, running as a primary with this environment's accounts and passwords.
    /// </summary>
    Task RestorePhysicalAsync(NodeDefinition node, string backupDirectory, Backups.BackupManifest manifest, CancellationToken cancellationToken);

    Task StartAsync(NodeDefinition node, CancellationToken cancellationToken);

    Task StopAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Stops the node without preserving anything (no checkpoint): its data is about to be deleted.</summary>
    Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken);
}
