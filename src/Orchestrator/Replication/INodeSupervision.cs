using Orchestrator.Environments;

namespace Orchestrator.Replication;

/// <summary>
/// Whether a local node's server runs, and starting and stopping it. Every method acts on one
/// node and may run concurrently for different nodes.
/// </summary>
internal interface INodeSupervision
{
    Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken);

    Task StartAsync(NodeDefinition node, CancellationToken cancellationToken);

    Task StopAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Stops the node without preserving anything (no checkpoint): its data is about to be deleted.</summary>
    Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken);
}
