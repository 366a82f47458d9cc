using System.Diagnostics;
using Orchestrator.Processes;

namespace Orchestrator.Topology.RoleChanges;

/// <summary>
/// Deletes a node's data and clones it again from its source in the live shape (from the
/// primary when that source is not replicating or the node was fenced).
/// </summary>
internal sealed class RebuildOperation(LocalNodes nodes)
{
    public async Task<RoleChangeOutcome> RunAsync(string name, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (RoleChangePlanner.UnknownNode(nodes.File, name) is { } unknown)
        {
            return RoleChangeOutcome.Refused(RoleChangeKind.Rebuild, unknown, clock.Elapsed);
        }

        var (_, credentials) = await nodes.CreateServerAsync(create: false, cancellationToken);
        var observed = await nodes.ObserveAsync(credentials, cancellationToken);
        var decision = RoleChangePlanner.Rebuild(nodes.File, nodes.CurrentShape, observed.Select(NodeView.Of).ToList(), name);
        if (decision.Plan is not { } plan)
        {
            return RoleChangeOutcome.Refused(RoleChangeKind.Rebuild, decision.Refusal!, clock.Elapsed);
        }

        var next = plan.Next.Apply(nodes.File);
        var server = await new RoleChangeSteps(nodes, credentials).ServerForAsync(plan.Next, withoutSynchronousStandbys: false, cancellationToken);
        var node = next.Node(name);
        var step = Stopwatch.StartNew();
        NodeChange Change(ChangeResult result, string? detail) =>
            new(name, NodeAction.Clone, result, detail, step.Elapsed) { Peer = plan.Source };
        try
        {
            await nodes.Hosting.StartAsync(node, cancellationToken);
            await server.DiscardAsync(node, cancellationToken);
            // A server whose data directory was deleted under it keeps running (and holding its
            // port) with nothing a pid file could tell; it still works in the deleted directory.
            await nodes.Provider.StopServersInAsync(nodes.State.NodeDir(node), kill: true, cancellationToken);
            await nodes.RemoveNodeAsync(server, node, cancellationToken);
            nodes.Record(plan.Next);
            await server.BootstrapReplicaAsync(node, next.Node(plan.Source), cancellationToken);
            await nodes.WaitUntilReplicatingAsync(credentials, node, cancellationToken);
        }
        catch (Exception e) when (RoleChangeSteps.IsStepFailure(e))
        {
            return new RoleChangeOutcome(RoleChangeKind.Rebuild, [Change(ChangeResult.Failed, Redactor.Redact(e.Message))], clock.Elapsed);
        }

        return new RoleChangeOutcome(RoleChangeKind.Rebuild, [Change(ChangeResult.Done, null)], clock.Elapsed) { NewPrimary = plan.Primary };
    }
}
