using Orchestrator.Environments;

namespace Orchestrator.Replication;

/// <summary>An engine's local servers, put together from the parts that know each kind of work.</summary>
internal sealed class LocalServer(
    Func<CancellationToken, Task> checkPrerequisites, INodeSupervision supervision, INodeBootstrap bootstrap, IReplicationControl replication, ILogArchiver? logArchiver = null) : ILocalServer
{
    public Task CheckPrerequisitesAsync(CancellationToken cancellationToken) => checkPrerequisites(cancellationToken);

    public ILogArchiver? LogArchiver => logArchiver;

    public Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken) => supervision.GetStateAsync(node, cancellationToken);

    public Task StartAsync(NodeDefinition node, CancellationToken cancellationToken) => supervision.StartAsync(node, cancellationToken);

    public Task StopAsync(NodeDefinition node, CancellationToken cancellationToken) => supervision.StopAsync(node, cancellationToken);

    public Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken) => supervision.DiscardAsync(node, cancellationToken);

    public Task InitializePrimaryAsync(NodeDefinition node, CancellationToken cancellationToken) => bootstrap.InitializePrimaryAsync(node, cancellationToken);

    public Task EnsureDatabaseAsync(NodeDefinition primary, CancellationToken cancellationToken) => bootstrap.EnsureDatabaseAsync(primary, cancellationToken);

    public Task BootstrapReplicaAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken) => bootstrap.BootstrapReplicaAsync(node, source, cancellationToken);

    public Task<RecoveryPoint?> RestorePhysicalAsync(NodeDefinition node, PhysicalCopy copy, CancellationToken cancellationToken) =>
        bootstrap.RestorePhysicalAsync(node, copy, cancellationToken);

    public Task<IHandover> PrepareHandoverAsync(NodeDefinition primary, NodeDefinition target, CancellationToken cancellationToken) =>
        replication.PrepareHandoverAsync(primary, target, cancellationToken);

    public Task ResumeWritesAsync(NodeDefinition primary, CancellationToken cancellationToken) => replication.ResumeWritesAsync(primary, cancellationToken);

    public Task<bool> WaitAppliedAsync(NodeDefinition replica, string position, TimeSpan timeout, CancellationToken cancellationToken) =>
        replication.WaitAppliedAsync(replica, position, timeout, cancellationToken);

    public Task<string> DrainAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken) => replication.DrainAsync(replica, timeout, cancellationToken);

    public Task<HeldPosition> HoldAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken) => replication.HoldAsync(replica, timeout, cancellationToken);

    public int? ComparePositions(string a, string b) => replication.ComparePositions(a, b);

    public Task<IReadOnlyList<string>> ErrantTransactionsAsync(NodeDefinition replica, CancellationToken cancellationToken) => replication.ErrantTransactionsAsync(replica, cancellationToken);

    public Task PromoteAsync(NodeDefinition node, Action writable, CancellationToken cancellationToken) => replication.PromoteAsync(node, writable, cancellationToken);

    public Task RepointAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken) => replication.RepointAsync(replica, source, cancellationToken);

    public Task<RejoinOutcome> RejoinAsync(NodeDefinition node, NodeDefinition source, bool fenced, CancellationToken cancellationToken) => replication.RejoinAsync(node, source, fenced, cancellationToken);

    public Task FenceAsync(NodeDefinition node, CancellationToken cancellationToken) => replication.FenceAsync(node, cancellationToken);

    public Task WriteFenceAsync(NodeDefinition node, CancellationToken cancellationToken) => replication.WriteFenceAsync(node, cancellationToken);

    public Task ReloadConfigAsync(NodeDefinition node, CancellationToken cancellationToken) => replication.ReloadConfigAsync(node, cancellationToken);

    public Task ReconnectAsync(NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken) => replication.ReconnectAsync(replica, source, cancellationToken);

    public Task DropStaleReplicationStateAsync(NodeDefinition node, CancellationToken cancellationToken) => replication.DropStaleReplicationStateAsync(node, cancellationToken);
}
