using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Topology;

/// <summary>An unplanned failover: the primary is gone, the most advanced replica takes over.</summary>
public sealed partial class LocalTopology
{
    private const string Failover = "failover";

    /// <summary>
    /// Fences the unreachable primary first (killed if its process lingers, unable to start
    /// writable), lets every reachable replica apply what it received, promotes the most
    /// advanced one (or <paramref name="to"/>, unless another replica has more), and moves the
    /// other replicas under it.
    /// </summary>
    public async Task<RoleChangeOutcome> FailoverAsync(string? to, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (to is not null && !_environment.Nodes.Any(n => n.Name == to))
        {
            return RoleChangeOutcome.Refused(Failover, $"environment '{_environment.Name}' has no node '{to}' (nodes: {string.Join(", ", _environment.Nodes.Select(n => n.Name))})", badInput: true, clock.Elapsed);
        }

        var (server, credentials) = await CreateServerAsync(create: false, cancellationToken);
        var observed = await ObserveAsync(credentials, cancellationToken);
        if (observed.FirstOrDefault(o => o.IsPrimary) is { } alive)
        {
            return RoleChangeOutcome.Refused(Failover, $"'{alive.Node.Name}' is reachable and accepts writes; a failover would leave two primaries. Use 'switchover --to NODE', or stop it first.", badInput: false, clock.Elapsed);
        }

        var oldPrimary = _environment.Primary.Name;
        var fenced = _live?.FencedNodes.ToHashSet() ?? [];
        var candidates = observed.Where(o => o.IsReplica && o.Node.Name != oldPrimary && !fenced.Contains(o.Node.Name)).ToList();
        if (to is not null && !candidates.Any(c => c.Node.Name == to))
        {
            return RoleChangeOutcome.Refused(Failover, $"'{to}' cannot take over: {Describe(observed.Where(o => o.Node.Name == to))}", badInput: to == oldPrimary, clock.Elapsed);
        }

        if (candidates.Count == 0)
        {
            return RoleChangeOutcome.Refused(Failover, $"no reachable replica can take over ({Describe(observed)})", badInput: false, clock.Elapsed);
        }

        var changes = new List<NodeChange>();
        var window = Stopwatch.StartNew();
        await server.FenceAsync(_environment.Node(oldPrimary), cancellationToken);
        changes.Add(new NodeChange(oldPrimary, "fence", ChangeResult.Done, "stopped for good; a start brings it up read-only", window.Elapsed));

        var timeout = _environment.Replication.ReplayTimeout;
        var positions = await Task.WhenAll(candidates.Select(async c => (c, position: await server.DrainAsync(c.Node, timeout, cancellationToken))));
        var chosen = Choose(server, positions, to, out var refusal);
        if (chosen is null)
        {
            RecordFenced(oldPrimary);
            return new RoleChangeOutcome(Failover, changes, clock.Elapsed) { OldPrimary = oldPrimary, Refusal = refusal };
        }

        var (target, position) = chosen.Value;
        var errant = await server.ErrantTransactionsAsync(target.Node, cancellationToken);
        if (errant.Count > 0)
        {
            RecordFenced(oldPrimary);
            return new RoleChangeOutcome(Failover, changes, clock.Elapsed)
            {
                OldPrimary = oldPrimary,
                Refusal = $"'{target.Node.Name}' has transactions written on it directly (errant: {string.Join(", ", errant)}); promoting it would spread them. Name another replica with --to.",
            };
        }

        var shape = ShapeAfterPromotion(oldPrimary, target.Node.Name, fenceOldPrimary: true, $"failover from {oldPrimary} to {target.Node.Name}");
        var next = shape.Apply(_file);
        var (promoting, _) = await CreateServerAsync(create: false, cancellationToken, WithoutSynchronousStandbys(next));
        await promoting.PromoteAsync(next.Node(target.Node.Name), cancellationToken);
        window.Stop();
        SaveShape(shape);
        changes.Add(new NodeChange(target.Node.Name, "promote", ChangeResult.Done, $"at {position}", window.Elapsed));

        var movers = candidates.Where(o => o != target && next.Node(o.Node.Name).Source != o.Node.Source).ToList();
        changes.AddRange(await RepointAsync(promoting, credentials, next, movers, position: null, cancellationToken));
        changes.AddRange(await FinishAsync(next, candidates, changes, cancellationToken));
        return new RoleChangeOutcome(Failover, changes, clock.Elapsed)
        {
            OldPrimary = oldPrimary,
            NewPrimary = target.Node.Name,
            WriteRefusedWindow = window.Elapsed,
            PromotedAt = position,
        };
    }

    /// <summary>The named replica unless another has applied more; otherwise the most advanced, synchronous ones first on a tie.</summary>
    private static (ObservedNode Node, string Position)? Choose(ILocalServer server, IReadOnlyList<(ObservedNode Node, string Position)> positions, string? to, out string? refusal)
    {
        refusal = null;
        var best = positions[0];
        foreach (var candidate in positions.Skip(1))
        {
            var order = server.ComparePositions(candidate.Position, best.Position);
            if (order is null)
            {
                refusal = $"'{candidate.Node.Node.Name}' ({candidate.Position}) and '{best.Node.Node.Name}' ({best.Position}) each have transactions the other lacks; name the one to promote with --to";
                return to is null ? null : positions.Single(p => p.Node.Node.Name == to);
            }

            if (order > 0 || (order == 0 && candidate.Node.Node.Sync && !best.Node.Node.Sync))
            {
                best = candidate;
            }
        }

        if (to is null)
        {
            return best;
        }

        var named = positions.Single(p => p.Node.Node.Name == to);
        if (server.ComparePositions(best.Position, named.Position) > 0)
        {
            refusal = $"'{best.Node.Node.Name}' has applied more ({best.Position}) than '{to}' ({named.Position}); promoting '{to}' would lose those transactions. Fail over to '{best.Node.Node.Name}' instead.";
            return null;
        }

        return named;
    }

    /// <summary>Keeps a fenced primary fenced when the failover stops before a promotion.</summary>
    private void RecordFenced(string node)
    {
        var shape = CurrentShape;
        SaveShape(shape.With(node, shape.Nodes[node] with { Fenced = true }, $"{node} fenced by a failover that promoted nobody"));
    }
}
