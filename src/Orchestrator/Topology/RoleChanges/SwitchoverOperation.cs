using System.Diagnostics;
using Orchestrator.Environments;

namespace Orchestrator.Topology.RoleChanges;

/// <summary>A planned switchover: the target takes over with everything the old primary committed.</summary>
internal sealed class SwitchoverOperation(LocalNodes nodes)
{
    /// <summary>
    /// Lets the target catch up while writes go on, records the next shape, stops writes on the
    /// primary, waits until the target has applied the primary's last position, promotes it, then
    /// moves the old primary and its other replicas under it. Writes are refused only between
    /// the stop and the promotion; when the target does not catch up or cannot be promoted, the
    /// old primary takes writes again and the previous shape is recorded again.
    /// </summary>
    public async Task<RoleChangeOutcome> RunAsync(string to, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        RoleChangeOutcome Refused(Refusal refusal) => RoleChangeOutcome.Refused(RoleChangeKind.Switchover, refusal, clock.Elapsed);
        if (RoleChangePlanner.UnknownNode(nodes.File, to) is { } unknown)
        {
            return Refused(unknown);
        }

        var (server, credentials) = await nodes.CreateServerAsync(create: false, cancellationToken);
        var observed = await nodes.ObserveAsync(credentials, cancellationToken);
        var current = nodes.CurrentShape;
        var decision = RoleChangePlanner.Switchover(nodes.File, current, observed.Select(NodeView.Of).ToList(), to);
        if (decision.Plan is not { } plan)
        {
            return Refused(decision.Refusal!);
        }

        var primary = nodes.Environment.Node(plan.Primary);
        var target = nodes.Environment.Node(plan.Target);
        if (RoleChangePlanner.Errant(to, await server.ErrantTransactionsAsync(target, cancellationToken), RoleChangeKind.Switchover) is { } errant)
        {
            return Refused(errant);
        }

        var next = plan.Next.Apply(nodes.File);
        var steps = new RoleChangeSteps(nodes, credentials);
        var promoting = await steps.ServerForAsync(plan.Next, withoutSynchronousStandbys: true, cancellationToken);

        // Catch up while writes still flow, so that the wait with writes refused is short.
        var timeout = nodes.Environment.Replication.ReplayTimeout;
        var primaryPosition = observed.Single(o => o.Node.Name == plan.Primary).Observation!.Position;
        if (primaryPosition is not null && !await server.WaitAppliedAsync(target, primaryPosition, timeout, cancellationToken))
        {
            return Refused(new Refusal(
                RefusalReason.TargetDidNotCatchUp,
                $"'{to}' did not catch up with {primaryPosition} within {timeout.TotalSeconds:0} s; nothing was changed. Check 'status' for its lag.",
                false));
        }

        // The record comes first: a crash from here on leaves the intended shape on disk, and the
        // servers still say who is primary.
        nodes.Record(plan.Next);
        var changes = new List<NodeChange>();
        var window = Stopwatch.StartNew();
        var position = await server.StopWritesAsync(primary, cancellationToken);
        changes.Add(new NodeChange(plan.Primary, NodeAction.StopWrites, ChangeResult.Done, $"last position {position}", window.Elapsed));
        string? failure = null;
        if (!await server.WaitAppliedAsync(target, position, timeout, cancellationToken))
        {
            failure = $"had not applied {position} within {timeout.TotalSeconds:0} s";
            changes.Add(new NodeChange(to, NodeAction.ApplyUpTo, ChangeResult.Failed, failure, window.Elapsed) { Peer = plan.Primary });
        }
        else
        {
            try
            {
                await promoting.PromoteAsync(next.Node(to), cancellationToken);
            }
            catch (Exception e) when (RoleChangeSteps.IsStepFailure(e))
            {
                failure = Processes.Redactor.Redact(e.Message);
                changes.Add(new NodeChange(to, NodeAction.Promote, ChangeResult.Failed, failure, window.Elapsed));
            }
        }

        if (failure is not null)
        {
            await server.ResumeWritesAsync(primary, cancellationToken);
            nodes.Record(current);
            changes.Add(new NodeChange(plan.Primary, NodeAction.ResumeWrites, ChangeResult.Done, $"'{to}' {failure}; '{plan.Primary}' accepts writes again and nothing else was changed", window.Elapsed));
            return new RoleChangeOutcome(RoleChangeKind.Switchover, changes, clock.Elapsed) { OldPrimary = plan.Primary, WriteRefusedWindow = window.Elapsed };
        }

        window.Stop();
        changes.Add(new NodeChange(to, NodeAction.Promote, ChangeResult.Done, $"applied {position}", window.Elapsed));
        changes.AddRange(await MoveOthersAsync(steps, promoting, next, plan, observed, position, cancellationToken));
        changes.AddRange(await steps.FinishAsync(next, observed, changes, cancellationToken));
        return new RoleChangeOutcome(RoleChangeKind.Switchover, changes, clock.Elapsed)
        {
            OldPrimary = plan.Primary,
            NewPrimary = to,
            WriteRefusedWindow = window.Elapsed,
            PromotedAt = position,
        };
    }

    /// <summary>
    /// The plan's steps after the promotion, in order: consecutive repoints run in parallel, the
    /// old primary's rejoin on its own. Every mover first applies the old primary's last position,
    /// so that nobody looks ahead of its new source.
    /// </summary>
    private static async Task<IReadOnlyList<NodeChange>> MoveOthersAsync(
        RoleChangeSteps steps, ILocalServer server, EnvironmentDefinition next, SwitchoverPlan plan, IReadOnlyList<ObservedNode> observed, string position, CancellationToken cancellationToken)
    {
        var changes = new List<NodeChange>();
        var repoints = new List<ObservedNode>();
        async Task FlushAsync()
        {
            changes.AddRange(await steps.RepointAsync(server, next, repoints, position, cancellationToken));
            repoints.Clear();
        }

        foreach (var step in plan.Steps.SkipWhile(s => s.Action != NodeAction.Promote).Skip(1))
        {
            if (step.Action == NodeAction.ReplicateFrom)
            {
                repoints.Add(observed.Single(o => o.Node.Name == step.Node));
                continue;
            }

            await FlushAsync();
            changes.Add(await steps.RejoinAsync(server, next, step.Node, cancellationToken));
        }

        await FlushAsync();
        return changes;
    }
}
