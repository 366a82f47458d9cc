using Orchestrator.Progress;
using System.Diagnostics;
using Orchestrator.Replication;
using Orchestrator.Servers;

namespace Orchestrator.Topology.RoleChanges;

/// <summary>An unplanned failover: the primary is gone, the most advanced replica takes over.</summary>
internal sealed class FailoverOperation(LocalNodes nodes)
{
    private static readonly TimeSpan SuspectGrace = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// Records the failed primary as fenced, then fences it (killed if its process lingers, its
    /// own files making any later start come up unable to take writes), lets every reachable
    /// replica apply what it received, records and promotes the most advanced one (or
    /// <paramref name="to"/>, unless another replica has more), and moves the other replicas
    /// under it.
    /// </summary>
    public async Task<RoleChangeOutcome> RunAsync(string? to, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        RoleChangeOutcome Refused(Refusal refusal) => RoleChangeOutcome.Refused(RoleChangeKind.Failover, refusal, clock.Elapsed);
        if (to is not null && RoleChangePlanner.UnknownNode(nodes.File, to) is { } unknown)
        {
            return Refused(unknown);
        }

        // A frozen or cut-off primary answers nothing, ever. It is given half a second after the
        // replicas answered (a live server answers within milliseconds of them): the failover
        // runs because it is presumed gone, and every second spent on it is without a primary.
        IReadOnlyList<ObservedNode> observed = [];
        var suspects = RoleChangePlanner.FailoverSuspects(nodes.CurrentShape);
        var (_, credentials) = await nodes.OpenWhileObservingAsync(
            credentials => nodes.Progress.StepAsync(
                nodes.File.Name,
                $"ask every node for its role and position ({string.Join(", ", suspects.Order())}: up to {SuspectGrace.TotalSeconds:0.#} s after the others)",
                async () => observed = await nodes.ObserveAsync(credentials, cancellationToken, suspects, SuspectGrace)),
            cancellationToken);
        var decision = RoleChangePlanner.Failover(nodes.File, nodes.CurrentShape, observed.Select(NodeView.Of).ToList(), to);
        if (decision.Plan is not { } candidates)
        {
            return Refused(decision.Refusal!);
        }

        var oldPrimary = candidates.OldPrimary;
        var current = nodes.CurrentShape;
        var fenced = current.With(oldPrimary, current.Nodes[oldPrimary] with { Fenced = true }, $"{oldPrimary} fenced by a failover");
        nodes.Record(fenced);
        var server = await new RoleChangeSteps(nodes, credentials).ServerForAsync(fenced, withoutSynchronousStandbys: false, cancellationToken);
        var changes = new List<NodeChange>();
        var window = Stopwatch.StartNew();
        var fencing = fenced.Apply(nodes.File).Node(oldPrimary);

        // Writing the fence into a killed container's volume takes a few calls to the Docker
        // engine, and the candidates' drain needs only the kill: the two run side by side, and
        // the files are in place before anything is promoted.
        var fileFence = Task.CompletedTask;
        await nodes.Hosting.FenceAsync(
            fencing,
            () => server.FenceAsync(fencing, cancellationToken),
            () =>
            {
                fileFence = server.WriteFenceAsync(fencing, cancellationToken);
                return Task.CompletedTask;
            },
            cancellationToken);
        changes.Add(new NodeChange(oldPrimary, NodeAction.Fence, ChangeResult.Done, "stopped for good; its own configuration starts it unable to take writes", window.Elapsed));
        RoleChangeOutcome Stopped(Refusal refusal) => new(RoleChangeKind.Failover, changes, clock.Elapsed) { OldPrimary = oldPrimary, Refusal = refusal };

        Decision<Chosen> chosen;
        try
        {
            chosen = await ChooseAsync(server, candidates, to, cancellationToken);
        }
        finally
        {
            await fileFence;
        }

        if (chosen.Plan is not { Target: var target, Position: var position })
        {
            return Stopped(chosen.Refusal!);
        }

        var plan = RoleChangePlanner.FailoverTo(nodes.File, fenced, candidates, target);
        var steps = new RoleChangeSteps(nodes, credentials);
        nodes.Record(plan.Next);
        var next = plan.Next.Apply(nodes.File);
        var promoting = await steps.ServerForAsync(plan.Next, withoutSynchronousStandbys: true, cancellationToken);
        await promoting.PromoteAsync(next.Node(target), window.Stop, cancellationToken);
        changes.Add(new NodeChange(target, NodeAction.Promote, ChangeResult.Done, $"at {position}", window.Elapsed));

        var reachable = observed.Where(o => candidates.Candidates.Contains(o.Node.Name)).ToList();
        var movers = plan.Steps.Where(s => s.Action == NodeAction.ReplicateFrom).Select(s => reachable.Single(o => o.Node.Name == s.Node));
        changes.AddRange(await steps.RepointAsync(promoting, next, movers, position: null, cancellationToken));
        changes.AddRange(await steps.FinishAsync(next, reachable, changes, cancellationToken));
        return new RoleChangeOutcome(RoleChangeKind.Failover, changes, clock.Elapsed)
        {
            OldPrimary = oldPrimary,
            NewPrimary = target,
            WriteRefusedWindow = window.Elapsed,
            PromotedAt = position,
        };
    }

    /// <summary>
    /// Lets every reachable candidate apply what it received, chooses the most advanced (or
    /// <paramref name="to"/>), drains it and refuses it when it has transactions of its own.
    /// </summary>
    private async Task<Decision<Chosen>> ChooseAsync(ILocalServer server, FailoverCandidates candidates, string? to, CancellationToken cancellationToken)
    {
        var timeout = nodes.Environment.Replication.ReplayTimeout;
        var holds = await Task.WhenAll(candidates.Candidates.Select(async name => (Name: name, Held: await server.HoldAsync(nodes.Environment.Node(name), timeout, cancellationToken))));
        var positions = holds.Select(h => new CandidatePosition(h.Name, h.Held.Received, nodes.Environment.Node(h.Name).Sync) { Kept = h.Held.Kept }).ToList();

        var syncReplicas = nodes.Environment.Replicas.Where(n => n.Sync && n.Name != candidates.OldPrimary).Select(n => n.Name);
        var choice = RoleChangePlanner.ChooseFailoverTarget(positions, to, server.ComparePositions, everySyncReplicaAnswered: syncReplicas.All(candidates.Candidates.Contains));
        if (choice.Plan is not { } target)
        {
            return choice.Refusal!;
        }

        // Only the node promoted applies all it received before it takes writes.
        var position = holds.Single(h => h.Name == target).Held is { Drained: true } held
            ? held.Received
            : await server.DrainAsync(nodes.Environment.Node(target), timeout, cancellationToken);
        if (RoleChangePlanner.Errant(target, await server.ErrantTransactionsAsync(nodes.Environment.Node(target), cancellationToken), RoleChangeKind.Failover) is { } errant)
        {
            return errant;
        }

        return Decision<Chosen>.Go(new Chosen(target, position));
    }

    /// <summary>The replica to promote and the position it drained to.</summary>
    private sealed record Chosen(string Target, string Position);
}
