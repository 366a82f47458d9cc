using System.Diagnostics;

namespace Orchestrator.Topology.RoleChanges;

/// <summary>
/// Makes a former primary (fenced or demoted) a replica of the node the servers report as
/// primary, keeping its data: pg_rewind on PostgreSQL, GTID demotion on MariaDB.
/// </summary>
internal sealed class RejoinOperation(LocalNodes nodes)
{
    /// <summary>
    /// Refuses, changing nothing, when the node holds transactions the primary lacks and cannot
    /// be rewound. The node stays fenced in the record until it replicates: an interrupted
    /// rejoin leaves it unable to take writes either way.
    /// </summary>
    public async Task<RoleChangeOutcome> RunAsync(string name, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (RoleChangePlanner.UnknownNode(nodes.File, name) is { } unknown)
        {
            return RoleChangeOutcome.Refused(RoleChangeKind.Rejoin, unknown, clock.Elapsed);
        }

        var (_, credentials) = await nodes.CreateServerAsync(create: false, cancellationToken);
        var observed = await nodes.ObserveAsync(credentials, cancellationToken);
        var decision = RoleChangePlanner.Rejoin(nodes.File, nodes.CurrentShape, observed.Select(o => NodeView.Of(o) with { Source = nodes.SourceOf(o) }).ToList(), name);
        if (decision.Plan is not { } plan)
        {
            return RoleChangeOutcome.Refused(RoleChangeKind.Rejoin, decision.Refusal!, clock.Elapsed);
        }

        if (plan.AlreadyFollowing)
        {
            var nothing = new NodeChange(name, NodeAction.Rejoin, ChangeResult.Skipped, $"already a replica, replicating from '{plan.Source}'; nothing to do") { Peer = plan.Source };
            return new RoleChangeOutcome(RoleChangeKind.Rejoin, [nothing], clock.Elapsed) { NewPrimary = plan.Primary };
        }

        var steps = new RoleChangeSteps(nodes, credentials);
        var next = plan.Next.Apply(nodes.File);
        var server = await steps.ServerForAsync(plan.Next, withoutSynchronousStandbys: false, cancellationToken);
        await nodes.Hosting.StartAsync(next.Node(name), cancellationToken);
        var change = await steps.RejoinAsync(server, next, name, cancellationToken, fenced: nodes.CurrentShape.Nodes.TryGetValue(name, out var live) && live.Fenced);
        if (change.Result == ChangeResult.Done)
        {
            nodes.Record(plan.Next);
            await steps.FinishAsync(next, [], [change], cancellationToken);
        }

        return new RoleChangeOutcome(RoleChangeKind.Rejoin, [change], clock.Elapsed) { NewPrimary = plan.Primary };
    }
}
