using Orchestrator.Environments;

namespace Orchestrator.Hosts;

/// <summary>The node's directory as a whole on its host: whether it holds data and finished its setup, emptied or deleted.</summary>
internal interface INodeDirectory
{
    /// <summary>Whether the node's data directory exists.</summary>
    Task<bool> HasDataAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Deletes the node's directory, data included (false when there was none).</summary>
    Task<bool> DeleteNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>An empty node directory owned by the service user (whatever was there is deleted).</summary>
    Task ResetNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Whether the node's setup completed (a marker written by <see cref="MarkInitializedAsync"/> beside its data).</summary>
    Task<bool> IsInitializedAsync(NodeDefinition node, CancellationToken cancellationToken);

    Task MarkInitializedAsync(NodeDefinition node, CancellationToken cancellationToken);
}
