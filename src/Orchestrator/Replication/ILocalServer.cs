namespace Orchestrator.Replication;

/// <summary>
/// Provisioning of one engine's servers on this machine (the local provider): supervision,
/// bootstrap and replication control of its nodes. Every method acts on one node and may run
/// concurrently for different nodes.
/// </summary>
internal interface ILocalServer : INodeSupervision, INodeBootstrap, IReplicationControl
{
    /// <summary>Fails with an actionable message when the engine's programs are missing.</summary>
    Task CheckPrerequisitesAsync(CancellationToken cancellationToken);

    /// <summary>What archives the environment's log when its servers do not (null: they do, or nothing is archived).</summary>
    ILogArchiver? LogArchiver { get; }
}
