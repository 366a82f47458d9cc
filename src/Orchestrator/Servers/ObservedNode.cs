using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.State;

namespace Orchestrator.Servers;

/// <summary>A node and what its server said about itself, or why it could not be asked.</summary>
internal sealed record ObservedNode(NodeDefinition Node, NodeObservation? Observation, string? Error)
{
    public bool IsPrimary => Observation?.Role == ObservedRole.Primary;

    public bool IsReplica => Observation?.Role == ObservedRole.Replica;

    /// <summary>Asks every node in parallel; a node that does not answer within 15 s is unreachable, never an exception.</summary>
    public static async Task<IReadOnlyList<ObservedNode>> ObserveAllAsync(
        IEnumerable<NodeDefinition> nodes, IEngine engine, EnvironmentCredentials credentials, CancellationToken cancellationToken) =>
        await Task.WhenAll(nodes.Select(async node =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                return new ObservedNode(node, await engine.ObserveAsync(node, credentials, timeout.Token), null);
            }
            catch (Exception e) when (e is DatabaseException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new ObservedNode(node, null, Redactor.Redact(e.Message));
            }
        }));
}
