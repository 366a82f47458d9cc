using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Topology;

/// <summary>What switchover, failover, rejoin and rebuild share: the live shape and moving replicas under a new primary.</summary>
public sealed partial class LocalTopology
{
    /// <summary>
    /// The shape after <paramref name="newPrimary"/> took over. A node whose chain of sources in
    /// the file leads to the new primary gets its file source back (so switching back to the
    /// file's primary restores the file's shape, cascades included); the old
    /// primary's other replicas and the old primary itself (fenced after a failover) replicate
    /// from the new primary; everything else stays where it is.
    /// </summary>
    private LiveShape ShapeAfterPromotion(string oldPrimary, string newPrimary, bool fenceOldPrimary, string reason)
    {
        var current = CurrentShape;
        var nodes = new Dictionary<string, LiveNode>();
        foreach (var node in _file.Nodes)
        {
            var live = current.Nodes.GetValueOrDefault(node.Name) ?? new LiveNode(node.Role, node.Source, false);
            var fenced = node.Name == oldPrimary ? fenceOldPrimary : live.Fenced;
            nodes[node.Name] = node.Name == newPrimary ? new LiveNode(NodeRole.Primary, null, false)
                : FileSourceLeadsTo(node, newPrimary) ? new LiveNode(NodeRole.Replica, node.Source, fenced)
                : node.Name == oldPrimary || live.Source == oldPrimary ? new LiveNode(NodeRole.Replica, newPrimary, fenced)
                : live with { Fenced = fenced };
        }

        return new LiveShape(nodes, reason, DateTimeOffset.UtcNow);
    }

    private bool FileSourceLeadsTo(NodeDefinition node, string newPrimary)
    {
        for (var source = node.Source; source is not null; source = _file.Node(source).Source)
        {
            if (source == newPrimary)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The new primary starts without synchronous standbys: they are still replicating from the
    /// old one, and commits would wait until they reconnect. The environment's synchronous
    /// standbys are named again once they replicate from it.
    /// </summary>
    private static EnvironmentDefinition WithoutSynchronousStandbys(EnvironmentDefinition environment) =>
        environment with { Nodes = environment.Nodes.Select(n => n with { Sync = false }).ToList() };

    /// <summary>The recorded shape as this topology read it when created, else the file's.</summary>
    private LiveShape CurrentShape => _live ?? LiveShape.FromFile(_file);

    private void SaveShape(LiveShape shape)
    {
        if (shape.MatchesFile(_file))
        {
            LiveShape.Forget(_state);
        }
        else
        {
            shape.Save(_state);
        }
    }

    /// <summary>Points each replica at its new source in parallel and waits until they replicate; one failure does not stop the others.</summary>
    private async Task<IReadOnlyList<NodeChange>> RepointAsync(
        ILocalServer server, EnvironmentCredentials credentials, EnvironmentDefinition shape, IEnumerable<ObservedNode> replicas, string? position, CancellationToken cancellationToken) =>
        await Task.WhenAll(replicas.Select(async observed =>
        {
            var node = shape.Node(observed.Node.Name);
            var source = shape.Node(node.Source!);
            var clock = Stopwatch.StartNew();
            if (observed.Observation is null)
            {
                return new NodeChange(node.Name, $"replicate from {source.Name}", ChangeResult.Skipped, $"unreachable ({observed.Error}); it will replicate from {source.Name} when started", clock.Elapsed);
            }

            try
            {
                if (position is not null && !await server.WaitAppliedAsync(node, position, _environment.Replication.ReplayTimeout, cancellationToken))
                {
                    return new NodeChange(node.Name, $"replicate from {source.Name}", ChangeResult.Failed, $"had not applied {position} within {_environment.Replication.ReplayTimeout.TotalSeconds:0} s; still replicating from its old source", clock.Elapsed);
                }

                await server.RepointAsync(node, source, cancellationToken);
                await WaitUntilReplicatingAsync(credentials, node, cancellationToken);
                return new NodeChange(node.Name, $"replicate from {source.Name}", ChangeResult.Done, null, clock.Elapsed);
            }
            catch (Exception e) when (e is LocalProviderException or Data.DatabaseException or Processes.ProcessFailedException)
            {
                return new NodeChange(node.Name, $"replicate from {source.Name}", ChangeResult.Failed, Processes.Redactor.Redact(e.Message), clock.Elapsed);
            }
        }));

    /// <summary>
    /// Names the synchronous standbys on the new primary, drops what nodes keep for replicas
    /// that moved away, and waits until the replicas that kept their source replicate again
    /// (a cascade below a demoted node reconnects once that node follows the new primary).
    /// </summary>
    private async Task<IReadOnlyList<NodeChange>> FinishAsync(EnvironmentDefinition shape, IReadOnlyList<ObservedNode> reachable, IReadOnlyList<NodeChange> done, CancellationToken cancellationToken)
    {
        var (server, credentials) = await CreateServerAsync(create: false, cancellationToken, shape);
        await server.ReloadConfigAsync(shape.Primary, cancellationToken);
        foreach (var node in reachable.Where(o => o.Observation is not null))
        {
            try
            {
                await server.DropStaleReplicationStateAsync(shape.Node(node.Node.Name), cancellationToken);
            }
            catch (Data.DatabaseException e)
            {
                _progress.Report(new ProgressEvent(node.Node.Name, $"could not drop stale slots: {e.Message}", ProgressKind.Info));
            }
        }

        var unchanged = reachable
            .Where(o => o.Observation is not null && shape.Node(o.Node.Name).Role == NodeRole.Replica && !done.Any(c => c.Node == o.Node.Name))
            .Select(o => shape.Node(o.Node.Name));
        return await Task.WhenAll(unchanged.Select(async node =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await WaitUntilReplicatingAsync(credentials, node, cancellationToken);
                return new NodeChange(node.Name, $"still replicate from {node.Source}", ChangeResult.Done, null, clock.Elapsed);
            }
            catch (LocalProviderException e)
            {
                return new NodeChange(node.Name, $"still replicate from {node.Source}", ChangeResult.Failed, e.Message, clock.Elapsed);
            }
        }));
    }

    private async Task<IReadOnlyList<ObservedNode>> ObserveAsync(EnvironmentCredentials credentials, CancellationToken cancellationToken) =>
        await ObservedNode.ObserveAllAsync(_environment.Nodes, _engine, credentials, cancellationToken);

    private static string Describe(IEnumerable<ObservedNode> nodes) =>
        string.Join(", ", nodes.Select(o => $"{o.Node.Name}: {o.Observation?.Role.ToString().ToLowerInvariant() ?? "unreachable"}"));
}
