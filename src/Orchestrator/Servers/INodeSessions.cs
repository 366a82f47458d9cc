using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.Servers;

/// <summary>
/// Sessions to the nodes' application database that outlive one read (an exporter scraping every
/// few seconds): readers borrow them, never dispose them, and discard one whose read failed.
/// </summary>
internal interface INodeSessions
{
    Task<IDbSession> OpenAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Drops the node's session after a failure or a timeout; the next read connects afresh.</summary>
    void Discard(NodeDefinition node);
}
