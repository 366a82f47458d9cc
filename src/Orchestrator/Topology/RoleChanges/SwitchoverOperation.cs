using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Replication;
using Orchestrator.Servers;
using Orchestrator.State;

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

        IReadOnlyList<ObservedNode> observed = [];
        var (server, credentials) = await nodes.OpenWhileObservingAsync(async credentials => observed = await nodes.ObserveAsync(credentials, cancellationToken), cancellationToken);
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

        var timeout = nodes.Environment.Replication.ReplayTimeout;
        HandOver handedOver;
        await using (var handover = await promoting.PrepareHandoverAsync(next.Node(plan.Primary), next.Node(to), cancellationToken))
        {
            if (!await CatchUpAsync(server, credentials, primary, target, cancellationToken))
            {
                await server.ReloadConfigAsync(target, cancellationToken);
                await server.DropStaleReplicationStateAsync(target, cancellationToken);
                return Refused(new Refusal(
                    RefusalReason.TargetDidNotCatchUp,
                    $"'{to}' did not catch up with '{plan.Primary}' within {timeout.TotalSeconds:0} s; nothing was changed. Check 'status' for its lag.",
                    false));
            }

            // The record comes first: a crash from here on leaves the intended shape on disk, and
            // the servers still say who is primary.
            nodes.Record(plan.Next with { HandoverFrom = plan.Primary });
            handedOver = await HandOverAsync(handover, plan, timeout, cancellationToken);
        }

        var (changes, position, failure, window) = handedOver;
        if (failure is not null)
        {
            await server.ResumeWritesAsync(primary, cancellationToken);
            await server.ReloadConfigAsync(target, cancellationToken);
            await server.DropStaleReplicationStateAsync(target, cancellationToken);
            nodes.Record(current);
            changes.Add(new NodeChange(plan.Primary, NodeAction.ResumeWrites, ChangeResult.Done, $"'{to}' {failure}; '{plan.Primary}' accepts writes again and nothing else was changed"));
            return new RoleChangeOutcome(RoleChangeKind.Switchover, changes, clock.Elapsed) { OldPrimary = plan.Primary, WriteRefusedWindow = window };
        }

        nodes.Record(plan.Next);
        changes.AddRange(await MoveOthersAsync(steps, promoting, next, plan, observed, position, cancellationToken));
        changes.AddRange(await steps.FinishAsync(next, observed, changes, cancellationToken));
        return new RoleChangeOutcome(RoleChangeKind.Switchover, changes, clock.Elapsed)
        {
            OldPrimary = plan.Primary,
            NewPrimary = to,
            WriteRefusedWindow = window,
            PromotedAt = position,
        };
    }

    /// <summary>What the write-refused window did; <see cref="Failure"/> says why the target did not take over.</summary>
    private sealed record HandOver(List<NodeChange> Changes, string Position, string? Failure, TimeSpan Window);

    /// <summary>The write-refused window: stop writes, let the target apply the last position, promote it.</summary>
    private static async Task<HandOver> HandOverAsync(IHandover handover, SwitchoverPlan plan, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var changes = new List<NodeChange>();
        var window = Stopwatch.StartNew();
        var position = await handover.StopWritesAsync(cancellationToken);
        changes.Add(new NodeChange(plan.Primary, NodeAction.StopWrites, ChangeResult.Done, $"last position {position}", window.Elapsed));
        if (!await handover.WaitAppliedAsync(position, timeout, cancellationToken))
        {
            var failure = $"had not applied {position} within {timeout.TotalSeconds:0} s";
            changes.Add(new NodeChange(plan.Target, NodeAction.ApplyUpTo, ChangeResult.Failed, failure, window.Elapsed) { Peer = plan.Primary });
            return new HandOver(changes, position, failure, window.Elapsed);
        }

        // A failure once the target took writes is not one to undo by giving writes back to the
        // old primary: it propagates, and the target is observed as the primary it is.
        TimeSpan? writable = null;
        try
        {
            await handover.PromoteAsync(() => writable = window.Elapsed, cancellationToken);
        }
        catch (Exception e) when (RoleChangeSteps.IsStepFailure(e) && writable is null)
        {
            var failure = Redactor.Redact(e.Message);
            changes.Add(new NodeChange(plan.Target, NodeAction.Promote, ChangeResult.Failed, failure, window.Elapsed));
            return new HandOver(changes, position, failure, window.Elapsed);
        }

        var elapsed = writable ?? window.Elapsed;
        changes.Add(new NodeChange(plan.Target, NodeAction.Promote, ChangeResult.Done, $"applied {position}", elapsed));
        return new HandOver(changes, position, null, elapsed);
    }

    /// <summary>The catch-up wait that counts as caught up: what accumulates in that time is all the target has left to apply with writes refused.</summary>
    private static readonly TimeSpan CaughtUp = TimeSpan.FromMilliseconds(20);

    /// <summary>How long to keep narrowing the gap before going ahead with whatever it is.</summary>
    private static readonly TimeSpan NarrowingLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits, while writes still flow, until the target applies the primary's position as of a
    /// moment ago, again and again until one such wait is short: under load the target trails
    /// by however long the previous wait took, and that trail is what it would apply with
    /// writes refused. A target that never gets that close goes ahead after
    /// <see cref="NarrowingLimit"/>, once its last wait succeeded. False when it does not reach a
    /// position within the replay timeout.
    /// </summary>
    private async Task<bool> CatchUpAsync(ILocalServer server, EnvironmentCredentials credentials, NodeDefinition primary, NodeDefinition target, CancellationToken cancellationToken)
    {
        var timeout = nodes.Environment.Replication.ReplayTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if ((await nodes.Engine.ObserveAsync(primary, credentials, cancellationToken)).Position is not { } position)
            {
                return true;
            }

            var wait = Stopwatch.StartNew();
            if (!await server.WaitAppliedAsync(target, position, timeout, cancellationToken))
            {
                return false;
            }

            if (wait.Elapsed <= CaughtUp || clock.Elapsed >= NarrowingLimit)
            {
                return true;
            }
        }
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
