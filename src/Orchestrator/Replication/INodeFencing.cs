using Orchestrator.Environments;

namespace Orchestrator.Replication;

/// <summary>Keeping a failed primary from coming back writable.</summary>
internal interface INodeFencing
{
    /// <summary>Stops a failed primary for good (killing it if it still runs) and makes a later start come up read-only.</summary>
    Task FenceAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the files that make any later start of the node come up unable to take writes,
    /// and only files: its server is not running, and its host may run no program (a killed
    /// container). Does nothing for a node that has no data.
    /// </summary>
    Task WriteFenceAsync(NodeDefinition node, CancellationToken cancellationToken);
}
