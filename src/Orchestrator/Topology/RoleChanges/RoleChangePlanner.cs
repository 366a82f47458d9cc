using Orchestrator.Environments;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Topology.RoleChanges;

/// <summary>A node as a role change sees it: what its server reported (no role: unreachable).</summary>
internal sealed record NodeView(string Name, ObservedRole? Role, bool Replicating)
{
    /// <summary>The node it reports replicating from, where the caller asked (its source's address when that is no node of the file); null when not known.</summary>
    public string? Source { get; init; }

    public static NodeView Of(ObservedNode observed) =>
        new(observed.Node.Name, observed.Observation?.Role, observed.Observation?.IsReplicating == true);
}

/// <summary>One planned step of a role change.</summary>
internal sealed record PlannedStep(string Node, NodeAction Action, string? Peer = null);

/// <summary>A decision: the plan, or why nothing may be done.</summary>
internal sealed record Decision<T>(T? Plan, Refusal? Refusal)
    where T : class
{
    public static implicit operator Decision<T>(Refusal refusal) => new(null, refusal);

    public static Decision<T> Go(T plan) => new(plan, null);
}

/// <summary>A switchover: who hands over to whom, the steps in order, and the shape afterwards.</summary>
internal sealed record SwitchoverPlan(string Primary, string Target, LiveShape Next, IReadOnlyList<PlannedStep> Steps);

/// <summary>
/// A failover's first phase: the failed primary to fence and the replicas that may take over.
/// <see cref="RecordAhead"/>: an interrupted role change recorded sources it may not have set on the servers.
/// </summary>
internal sealed record FailoverCandidates(string OldPrimary, IReadOnlyList<string> Candidates, IReadOnlyList<PlannedStep> Steps)
{
    public bool RecordAhead { get; init; }
}

/// <summary>A failover's second phase: the replica to promote, the steps in order, and the shape afterwards.</summary>
internal sealed record FailoverPlan(string OldPrimary, string Target, LiveShape Next, IReadOnlyList<PlannedStep> Steps);

/// <summary>A node to bring under the current primary (rejoin) or clone again (rebuild): its source and the shape afterwards.</summary>
internal sealed record FollowPlan(string Node, string Primary, string Source, LiveShape Next)
{
    /// <summary>The node already is an unfenced replica that replicates: there is nothing to do.</summary>
    public bool AlreadyFollowing { get; init; }
}

/// <summary>A failover candidate that stopped taking in more: what it received (<paramref name="Position"/>, all of which it applies when promoted).</summary>
internal sealed record CandidatePosition(string Name, string Position, bool Sync)
{
    /// <summary>
    /// What it keeps when another is promoted: what it applied where the events received but not
    /// applied are discarded as it is pointed elsewhere (MariaDB's relay log), else all it received.
    /// </summary>
    public string Kept { get; init; } = Position;
}

/// <summary>
/// The decisions of switchover, failover, rejoin and rebuild, from what the servers report, the
/// file's shape and the recorded live shape. Pure: no I/O; the operations carry the plans out.
/// </summary>
internal static class RoleChangePlanner
{
    public static Decision<SwitchoverPlan> Switchover(EnvironmentDefinition file, LiveShape current, IReadOnlyList<NodeView> nodes, string to)
    {
        if (UnknownNode(file, to) is { } unknown)
        {
            return unknown;
        }

        var primaries = nodes.Where(n => n.Role == ObservedRole.Primary).ToList();
        if (primaries.Count != 1)
        {
            return new Refusal(RefusalReason.NotOnePrimary, $"a switchover needs exactly one primary; the servers report {Describe(nodes)}. Use 'failover' when the primary is gone.", false);
        }

        var primary = primaries[0].Name;
        if (primary == to)
        {
            return new Refusal(RefusalReason.AlreadyPrimary, $"'{to}' is already the primary", true);
        }

        if (!nodes.Single(n => n.Name == to).Replicating)
        {
            return new Refusal(RefusalReason.TargetNotReplicating, $"'{to}' is not replicating ({Describe(nodes.Where(n => n.Name == to))}); fix or rebuild it first ('replica rebuild {to}')", false);
        }

        var next = ShapeAfterPromotion(file, current, primary, to, fenceOldPrimary: false, $"switchover from {primary} to {to}");
        var movers = nodes.Select(n => n.Name).Where(n => n != primary && n != to && next.Nodes[n].Source != current.Nodes[n].Source).ToList();

        // Replicas that will cascade from the old primary move once it replicates again; the old
        // primary may itself cascade from one of the others, which must move first.
        var late = movers.Where(n => next.Nodes[n].Source == primary).ToList();
        var steps = new List<PlannedStep>
        {
            new(to, NodeAction.CatchUp, primary),
            new(primary, NodeAction.StopWrites),
            new(to, NodeAction.ApplyUpTo, primary),
            new(to, NodeAction.Promote),
        };
        steps.AddRange(movers.Except(late).Select(n => new PlannedStep(n, NodeAction.ReplicateFrom, next.Nodes[n].Source)));
        steps.Add(new PlannedStep(primary, NodeAction.Rejoin, next.Nodes[primary].Source));
        steps.AddRange(late.Select(n => new PlannedStep(n, NodeAction.ReplicateFrom, primary)));
        return Decision<SwitchoverPlan>.Go(new SwitchoverPlan(primary, to, next, steps));
    }

    /// <summary>
    /// The nodes a failover presumes failed: the recorded primary, the primary an interrupted
    /// switchover took writes from, and the fenced ones. None of them can take over, so waiting
    /// long for their answer only delays the failover; they are still asked, because one that
    /// answers as a primary refuses it.
    /// </summary>
    public static IReadOnlySet<string> FailoverSuspects(LiveShape current) =>
        current.FencedNodes.Append(current.Primary).Concat(current.HandoverFrom is { } from ? [from] : []).ToHashSet();

    /// <summary>Whether a failover may go ahead, and which replicas could take over; never a fenced node or the failed primary.</summary>
    public static Decision<FailoverCandidates> Failover(EnvironmentDefinition file, LiveShape current, IReadOnlyList<NodeView> nodes, string? to)
    {
        if (to is not null && UnknownNode(file, to) is { } unknown)
        {
            return unknown;
        }

        if (nodes.FirstOrDefault(n => n.Role == ObservedRole.Primary) is { } alive)
        {
            return new Refusal(
                RefusalReason.PrimaryStillWritable,
                $"'{alive.Name}' is reachable and accepts writes; a failover would leave two primaries. Use 'switchover --to NODE', or stop it first.",
                false);
        }

        var oldPrimary = current.Primary;
        var fenced = current.FencedNodes.ToHashSet();

        // A failover interrupted between recording its target and promoting it leaves the target
        // recorded as primary while it answers as a replica, and the failed primary fenced; a
        // switchover killed in its write-refused window leaves the same, with the primary it took
        // writes from recorded instead. The failed (or stopped) primary is still the node to
        // fence, and the target is a candidate like the others (fencing it would discard a
        // replica that may hold what no other has).
        var interrupted = nodes.Any(n => n.Name == oldPrimary && n.Role == ObservedRole.Replica);
        if (interrupted && (current.FencedNodes.FirstOrDefault() ?? current.HandoverFrom) is { } failed)
        {
            oldPrimary = failed;
        }

        var candidates = nodes.Where(n => n.Role == ObservedRole.Replica && n.Name != oldPrimary && !fenced.Contains(n.Name)).Select(n => n.Name).ToList();
        if (to is not null && !candidates.Contains(to))
        {
            var why = to == oldPrimary ? "it is the failed primary" : fenced.Contains(to) ? "it was fenced by a failover" : Describe(nodes.Where(n => n.Name == to));
            return new Refusal(RefusalReason.TargetNotCandidate, $"'{to}' cannot take over: {why}", to == oldPrimary);
        }

        if (candidates.Count == 0)
        {
            return new Refusal(RefusalReason.NoCandidate, $"no reachable replica can take over ({Describe(nodes)})", false);
        }

        var steps = new List<PlannedStep> { new(oldPrimary, NodeAction.Fence) };
        steps.AddRange(candidates.Select(c => new PlannedStep(c, NodeAction.Drain)));
        return Decision<FailoverCandidates>.Go(new FailoverCandidates(oldPrimary, candidates, steps) { RecordAhead = interrupted });
    }

    /// <summary>
    /// The candidate to promote. It must have received every transaction a client was told is
    /// committed, and all that any other candidate keeps. What was acknowledged is what the
    /// synchronous replicas received, when all of them are among the candidates
    /// (<paramref name="everySyncReplicaAnswered"/>); otherwise only the most advanced is sure to
    /// have it. Of those eligible, a synchronous replica is preferred, then the most advanced: an
    /// asynchronous replica ahead only by transactions nobody acknowledged (the failed primary
    /// discards them at rejoin too), and still applying a backlog, would keep writes refused longer.
    /// The named one goes when it is eligible. Positions neither of which contains the other need a name.
    /// </summary>
    public static Decision<string> ChooseFailoverTarget(
        IReadOnlyList<CandidatePosition> positions, string? to, Func<string, string, int?> compare, bool everySyncReplicaAnswered = false)
    {
        var mostAdvanced = positions[0];
        foreach (var candidate in positions.Skip(1))
        {
            var order = compare(candidate.Position, mostAdvanced.Position);
            if (order is null)
            {
                return to is null
                    ? new Refusal(
                        RefusalReason.PositionsIncomparable,
                        $"'{candidate.Name}' ({candidate.Position}) and '{mostAdvanced.Name}' ({mostAdvanced.Position}) each have transactions the other lacks; name the one to promote with --to",
                        false)
                    : Decision<string>.Go(to);
            }

            if (order > 0 || (order == 0 && candidate.Sync && !mostAdvanced.Sync))
            {
                mostAdvanced = candidate;
            }
        }

        var acknowledged = everySyncReplicaAnswered && positions.Where(p => p.Sync).MaxBy(p => p.Position, Comparer(compare)) is { } sync ? sync.Position : mostAdvanced.Position;
        var eligible = positions
            .Where(p => compare(p.Position, acknowledged) >= 0 && positions.All(other => compare(p.Position, other.Kept) >= 0))
            .OrderByDescending(p => p.Sync)
            .ThenByDescending(p => p.Position, Comparer(compare))
            .ToList();
        if (to is null)
        {
            return Decision<string>.Go(eligible.Count > 0 ? eligible[0].Name : mostAdvanced.Name);
        }

        var named = positions.Single(p => p.Name == to);
        return eligible.Any(p => p.Name == to)
            ? Decision<string>.Go(to)
            : new Refusal(
                RefusalReason.TargetBehind,
                $"'{mostAdvanced.Name}' has received more ({mostAdvanced.Position}) than '{to}' ({named.Position}); promoting '{to}' would lose those transactions. Fail over to '{mostAdvanced.Name}' instead.",
                false);
    }

    private static Comparer<string> Comparer(Func<string, string, int?> compare) => Comparer<string>.Create((a, b) => compare(a, b) ?? 0);

    /// <summary>A failover's second phase: promote the target, move the other candidates whose source changes.</summary>
    public static FailoverPlan FailoverTo(EnvironmentDefinition file, LiveShape current, FailoverCandidates candidates, string target)
    {
        var next = ShapeAfterPromotion(file, current, candidates.OldPrimary, target, fenceOldPrimary: true, $"failover from {candidates.OldPrimary} to {target}");
        var steps = new List<PlannedStep> { new(target, NodeAction.Promote) };
        steps.AddRange(candidates.Candidates
            .Where(c => c != target && (candidates.RecordAhead || next.Nodes[c].Source != current.Nodes[c].Source))
            .Select(c => new PlannedStep(c, NodeAction.ReplicateFrom, next.Nodes[c].Source)));
        return new FailoverPlan(candidates.OldPrimary, target, next, steps);
    }

    /// <summary>A former primary (fenced or demoted) follows the node the servers report as primary; a replica that already replicates is left alone.</summary>
    public static Decision<FollowPlan> Rejoin(EnvironmentDefinition file, LiveShape current, IReadOnlyList<NodeView> nodes, string name)
    {
        var primary = PrimaryToFollow(file, current, nodes, name, RoleChangeKind.Rejoin);
        if (primary.Refusal is { } refusal)
        {
            return refusal;
        }

        // A replica the record does not fence and the server reports replicating from its recorded
        // source needs no rewind nor demotion. One that streams from another node (after a
        // killed switchover, from a node that is itself a replica now) is moved.
        var live = current.Nodes.GetValueOrDefault(name);
        if (live is { Fenced: false, Role: NodeRole.Replica, Source: { } source }
            && nodes.Any(n => n.Name == name && n.Role == ObservedRole.Replica && n.Replicating && (n.Source is null || n.Source == source)))
        {
            return Decision<FollowPlan>.Go(new FollowPlan(name, primary.Plan!, source, current) { AlreadyFollowing = true });
        }

        return Decision<FollowPlan>.Go(new FollowPlan(name, primary.Plan!, primary.Plan!, current.With(name, new LiveNode(NodeRole.Replica, primary.Plan, Fenced: false), $"{name} rejoined as a replica of {primary.Plan}")));
    }

    /// <summary>
    /// A replica cloned again, from its recorded source when that source replicates, else from
    /// the primary (always for a fenced node).
    /// </summary>
    public static Decision<FollowPlan> Rebuild(EnvironmentDefinition file, LiveShape current, IReadOnlyList<NodeView> nodes, string name)
    {
        var primary = PrimaryToFollow(file, current, nodes, name, RoleChangeKind.Rebuild);
        if (primary.Refusal is { } refusal)
        {
            return refusal;
        }

        var live = current.Nodes[name];
        var source = primary.Plan!;
        if (!live.Fenced && live.Role == NodeRole.Replica && live.Source is { } recorded && recorded != source && nodes.Any(n => n.Name == recorded && n.Replicating))
        {
            source = recorded;
        }

        return Decision<FollowPlan>.Go(new FollowPlan(name, primary.Plan!, source, current.With(name, new LiveNode(NodeRole.Replica, source, Fenced: false), $"{name} rebuilt from {source}")));
    }

    public static Refusal? Errant(string node, IReadOnlyList<string> errant, RoleChangeKind kind) =>
        errant.Count == 0
            ? null
            : new Refusal(
                RefusalReason.ErrantTransactions,
                $"'{node}' has transactions written on it directly, which no other node has (errant: {string.Join(", ", errant)}); promoting it would spread them. " +
                (kind == RoleChangeKind.Failover ? "Name another replica with --to." : $"Rebuild it ('replica rebuild {node}') or remove them first."),
                false);

    /// <summary>
    /// The shape after <paramref name="newPrimary"/> took over. A node whose chain of sources in
    /// the file leads to the new primary gets its file source back (so switching back to the
    /// file's primary restores the file's shape, cascades included); the old primary's other
    /// replicas and the old primary itself (fenced after a failover) replicate from the new
    /// primary; everything else stays where it is. A chain through a fenced node leads nowhere:
    /// a fenced node runs for nobody.
    /// </summary>
    public static LiveShape ShapeAfterPromotion(EnvironmentDefinition file, LiveShape current, string oldPrimary, string newPrimary, bool fenceOldPrimary, string reason)
    {
        var nodes = new Dictionary<string, LiveNode>();
        LiveNode Live(NodeDefinition node) => current.Nodes.GetValueOrDefault(node.Name) ?? new LiveNode(node.Role, node.Source, false);
        bool Fenced(NodeDefinition node) => node.Name == oldPrimary ? fenceOldPrimary : Live(node).Fenced;
        var fencedNodes = file.Nodes.Where(Fenced).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in file.Nodes)
        {
            var live = Live(node);
            var fenced = Fenced(node);
            nodes[node.Name] = node.Name == newPrimary ? new LiveNode(NodeRole.Primary, null, false)
                : FileSourceLeadsTo(file, node, newPrimary, fencedNodes) ? new LiveNode(NodeRole.Replica, node.Source, fenced)
                : node.Name == oldPrimary || live.Source == oldPrimary || live.Role == NodeRole.Primary ? new LiveNode(NodeRole.Replica, newPrimary, fenced)
                : live with { Fenced = fenced };
        }

        return new LiveShape(nodes, reason, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// The one primary a node follows. A node the record fences never counts, whatever its server
    /// says: one promoted by hand after the failover is a split brain that this rejoin or rebuild
    /// ends, following the primary the failover chose.
    /// </summary>
    private static Decision<string> PrimaryToFollow(EnvironmentDefinition file, LiveShape current, IReadOnlyList<NodeView> nodes, string name, RoleChangeKind kind)
    {
        if (UnknownNode(file, name) is { } unknown)
        {
            return unknown;
        }

        var fenced = current.FencedNodes.ToHashSet();
        var primaries = nodes.Where(n => n.Role == ObservedRole.Primary && !fenced.Contains(n.Name)).ToList();
        if (primaries.Count != 1)
        {
            return new Refusal(RefusalReason.NotOnePrimary, $"'{name}' needs one primary to follow; the servers report {Describe(nodes)}", false);
        }

        return primaries[0].Name == name
            ? new Refusal(RefusalReason.AlreadyPrimary, $"'{name}' is the primary; switch over to another node first, then {kind.CommandName()} it", true)
            : Decision<string>.Go(primaries[0].Name);
    }

    /// <summary>Refuses a request that names a node the environment does not have (bad input), before anything is asked of the servers.</summary>
    public static Refusal? UnknownNode(EnvironmentDefinition file, string name) =>
        file.Nodes.Any(n => n.Name == name)
            ? null
            : new Refusal(RefusalReason.UnknownNode, $"environment '{file.Name}' has no node '{name}' (nodes: {string.Join(", ", file.Nodes.Select(n => n.Name))})", true);

    private static bool FileSourceLeadsTo(EnvironmentDefinition file, NodeDefinition node, string newPrimary, IReadOnlySet<string> fenced)
    {
        for (var source = node.Source; source is not null && !fenced.Contains(source); source = file.Node(source).Source)
        {
            if (source == newPrimary)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(IEnumerable<NodeView> nodes) =>
        string.Join(", ", nodes.Select(n => $"{n.Name}: {n.Role?.ToString().ToLowerInvariant() ?? "unreachable"}{(n.Role == ObservedRole.Replica && !n.Replicating ? " (not replicating)" : "")}"));
}
