using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Topology.RoleChanges;

/// <summary>
/// The steps the role changes share, each acting on one node and reporting a
/// <see cref="NodeChange"/>: moving replicas under a new source, turning a former primary into a
/// replica, and settling the environment afterwards. One node's failure does not stop the others.
/// </summary>
internal sealed class RoleChangeSteps(LocalNodes nodes, EnvironmentCredentials credentials)
{
    /// <summary>The failures a step turns into a failed <see cref="NodeChange"/>; anything else is a defect and propagates.</summary>
    public static bool IsStepFailure(Exception e) =>
        e is LocalProviderException or DatabaseException or ProcessFailedException;

    /// <summary>
    /// The local server that writes configuration for <paramref name="shape"/>. The new primary
    /// starts without synchronous standbys: they still replicate from the old one, and commits
    /// would wait until they reconnect; <see cref="FinishAsync"/> names them again.
    /// </summary>
    public async Task<ILocalServer> ServerForAsync(LiveShape shape, bool withoutSynchronousStandbys, CancellationToken cancellationToken)
    {
        var environment = shape.Apply(nodes.File);
        if (withoutSynchronousStandbys)
        {
            environment = environment with { Nodes = environment.Nodes.Select(n => n with { Sync = false }).ToList() };
        }

        return (await nodes.CreateServerAsync(create: false, cancellationToken, environment)).Server;
    }

    /// <summary>
    /// Points each replica at its source in <paramref name="next"/>, in parallel, after it applied
    /// <paramref name="position"/> when one is given, and waits until it replicates.
    /// </summary>
    public async Task<IReadOnlyList<NodeChange>> RepointAsync(
        ILocalServer server, EnvironmentDefinition next, IEnumerable<ObservedNode> replicas, string? position, CancellationToken cancellationToken) =>
        await Task.WhenAll(replicas.Select(async observed =>
        {
            var node = next.Node(observed.Node.Name);
            var source = next.Node(node.Source!);
            var clock = Stopwatch.StartNew();
            NodeChange Change(ChangeResult result, string? detail) =>
                new(node.Name, NodeAction.ReplicateFrom, result, detail, clock.Elapsed) { Peer = source.Name };
            if (observed.Observation is null)
            {
                return Change(ChangeResult.Skipped, $"unreachable ({observed.Error}); it will replicate from {source.Name} when started");
            }

            try
            {
                var timeout = next.Replication.ReplayTimeout;
                if (position is not null && !await server.WaitAppliedAsync(node, position, timeout, cancellationToken))
                {
                    return Change(ChangeResult.Failed, $"had not applied {position} within {timeout.TotalSeconds:0} s; still replicating from its old source");
                }

                await server.RepointAsync(node, source, cancellationToken);
                await nodes.WaitUntilReplicatingAsync(credentials, node, cancellationToken);
                return Change(ChangeResult.Done, null);
            }
            catch (Exception e) when (IsStepFailure(e))
            {
                return Change(ChangeResult.Failed, Redactor.Redact(e.Message));
            }
        }));

    /// <summary>Turns a former primary into a replica of its source in <paramref name="next"/> and waits until it replicates.</summary>
    /// <param name="fenced">The record fenced the node (see <see cref="IRoleMoves.RejoinAsync"/>).</param>
    public async Task<NodeChange> RejoinAsync(ILocalServer server, EnvironmentDefinition next, string name, CancellationToken cancellationToken, bool fenced = false)
    {
        var node = next.Node(name);
        var clock = Stopwatch.StartNew();
        NodeChange Change(ChangeResult result, string? detail) =>
            new(name, NodeAction.Rejoin, result, detail, clock.Elapsed) { Peer = node.Source };
        try
        {
            var rejoined = await server.RejoinAsync(node, next.Node(node.Source!), fenced, cancellationToken);
            await nodes.WaitUntilReplicatingAsync(credentials, node, cancellationToken);
            return Change(ChangeResult.Done, rejoined.Text) with { Rejoined = rejoined };
        }
        catch (RejoinRefusedException e)
        {
            return Change(ChangeResult.Refused, e.Message) with { RejoinRefusal = e.Reason };
        }
        catch (Exception e) when (IsStepFailure(e))
        {
            return Change(ChangeResult.Failed, Redactor.Redact(e.Message));
        }
    }

    /// <summary>
    /// Applies the synchronous replicas' settings and names them on the new primary, drops what nodes keep for replicas
    /// that moved away, and waits until the replicas that kept their source replicate again
    /// (a cascade below a demoted node reconnects once that node follows the new primary).
    /// </summary>
    public async Task<IReadOnlyList<NodeChange>> FinishAsync(
        EnvironmentDefinition next, IReadOnlyList<ObservedNode> reachable, IReadOnlyList<NodeChange> done, CancellationToken cancellationToken)
    {
        var (server, _) = await nodes.CreateServerAsync(create: false, cancellationToken, next);

        // Synchronous replicas first: a primary that waits for their acknowledgements must find
        // them giving some (MariaDB's replicas acknowledge only when told to).
        foreach (var replica in reachable.Where(o => o.Observation is not null).Select(o => next.Node(o.Node.Name)).Where(n => n.Role == NodeRole.Replica && n.Sync))
        {
            try
            {
                await server.ReloadConfigAsync(replica, cancellationToken);
            }
            catch (Exception e) when (IsStepFailure(e))
            {
                nodes.Progress.Report(new ProgressEvent(replica.Name, $"could not apply its synchronous replication settings: {Redactor.Redact(e.Message)}", ProgressKind.Info));
            }
        }

        await server.ReloadConfigAsync(next.Primary, cancellationToken);
        foreach (var node in reachable.Where(o => o.Observation is not null))
        {
            try
            {
                await server.DropStaleReplicationStateAsync(next.Node(node.Node.Name), cancellationToken);
            }
            catch (DatabaseException e)
            {
                nodes.Progress.Report(new ProgressEvent(node.Node.Name, $"could not drop stale slots: {e.Message}", ProgressKind.Info));
            }
        }

        var unchanged = reachable
            .Where(o => o.Observation is not null && next.Node(o.Node.Name).Role == NodeRole.Replica && !done.Any(c => c.Node == o.Node.Name))
            .Select(o => next.Node(o.Node.Name));
        return await Task.WhenAll(unchanged.Select(async node =>
        {
            var clock = Stopwatch.StartNew();
            NodeChange Change(ChangeResult result, string? detail) =>
                new(node.Name, NodeAction.StillReplicateFrom, result, detail, clock.Elapsed) { Peer = node.Source };
            try
            {
                await nodes.WaitUntilReplicatingAsync(credentials, node, cancellationToken);
                return Change(ChangeResult.Done, null);
            }
            catch (LocalProviderException e)
            {
                return Change(ChangeResult.Failed, e.Message);
            }
        }));
    }
}
