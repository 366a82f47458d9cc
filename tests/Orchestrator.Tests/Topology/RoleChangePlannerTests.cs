using Orchestrator.Environments;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Tests.Topology;

/// <summary>
/// The role-change decisions on their own: the file primary → replica-1 (synchronous) →
/// replica-2 (cascading) plus replica-3 directly under the primary; positions are plain numbers.
/// </summary>
public sealed class RoleChangePlannerTests
{
    private static readonly EnvironmentDefinition File4 = TestEnvironments.FromYaml("""
        name: plan
        engine: postgres
        provider: local
        database: app
        nodes:
          - { name: primary,   role: primary, port: 26001 }
          - { name: replica-1, role: replica, source: primary, port: 26002, sync: true }
          - { name: replica-2, role: replica, source: replica-1, port: 26003 }
          - { name: replica-3, role: replica, source: primary, port: 26004 }
        """);

    private static readonly LiveShape FileShape = LiveShape.FromFile(File4);

    private static int? Numeric(string a, string b) => long.Parse(a).CompareTo(long.Parse(b));

    /// <summary>Positions like "3:7" name a domain; two different domains cannot be ordered.</summary>
    private static int? PerDomain(string a, string b) =>
        a.Split(':')[0] == b.Split(':')[0] ? long.Parse(a.Split(':')[1]).CompareTo(long.Parse(b.Split(':')[1])) : null;

    private static NodeView Primary(string name) => new(name, ObservedRole.Primary, false);

    private static NodeView Replica(string name, bool replicating = true) => new(name, ObservedRole.Replica, replicating);

    private static NodeView Unreachable(string name) => new(name, null, false);

    private static readonly IReadOnlyList<NodeView> Healthy = [Primary("primary"), Replica("replica-1"), Replica("replica-2"), Replica("replica-3")];

    private static readonly IReadOnlyList<NodeView> PrimaryGone = [Unreachable("primary"), Replica("replica-1"), Replica("replica-2"), Replica("replica-3")];

    [Fact]
    public void Switchover_to_a_direct_replica_keeps_its_cascade_and_moves_the_others_under_it()
    {
        var plan = RoleChangePlanner.Switchover(File4, FileShape, Healthy, "replica-1").Plan!;

        Assert.Equal("primary", plan.Primary);
        Assert.Equal(new LiveNode(NodeRole.Primary, null, false), plan.Next.Nodes["replica-1"]);
        Assert.Equal(new LiveNode(NodeRole.Replica, "replica-1", false), plan.Next.Nodes["replica-2"]);
        Assert.Equal(new LiveNode(NodeRole.Replica, "replica-1", false), plan.Next.Nodes["replica-3"]);
        Assert.Equal(new LiveNode(NodeRole.Replica, "replica-1", false), plan.Next.Nodes["primary"]);
        Assert.Equal(
            [
                new("replica-1", NodeAction.CatchUp, "primary"),
                new("primary", NodeAction.StopWrites),
                new("replica-1", NodeAction.ApplyUpTo, "primary"),
                new("replica-1", NodeAction.Promote),
                new("replica-3", NodeAction.ReplicateFrom, "replica-1"),
                new("primary", NodeAction.Rejoin, "replica-1"),
            ],
            plan.Steps);
    }

    [Fact]
    public void Switchover_to_a_cascading_replica_moves_its_source_under_it()
    {
        var plan = RoleChangePlanner.Switchover(File4, FileShape, Healthy, "replica-2").Plan!;

        Assert.Equal(NodeRole.Primary, plan.Next.Nodes["replica-2"].Role);
        Assert.Equal("replica-2", plan.Next.Nodes["replica-1"].Source);
        Assert.Equal("replica-2", plan.Next.Nodes["primary"].Source);
        Assert.Equal("replica-2", plan.Next.Nodes["replica-3"].Source);
        var afterPromotion = plan.Steps.SkipWhile(s => s.Action != NodeAction.Promote).Skip(1).ToList();
        Assert.Equal(NodeAction.Rejoin, afterPromotion.Last().Action);
        Assert.All(afterPromotion.SkipLast(1), s => Assert.Equal(NodeAction.ReplicateFrom, s.Action));
    }

    [Fact]
    public void Switching_back_to_the_files_primary_restores_the_files_shape()
    {
        var away = RoleChangePlanner.Switchover(File4, FileShape, Healthy, "replica-2").Plan!;
        Assert.False(away.Next.MatchesFile(File4));
        IReadOnlyList<NodeView> moved = [Replica("primary"), Replica("replica-1"), Primary("replica-2"), Replica("replica-3")];

        var back = RoleChangePlanner.Switchover(File4, away.Next, moved, "primary").Plan!;

        Assert.True(back.Next.MatchesFile(File4), string.Join(", ", back.Next.Nodes.Select(n => $"{n.Key}: {n.Value}")));
        // replica-2 was the primary: it rejoins under its file source, once that source follows the primary again.
        Assert.Equal(new PlannedStep("replica-2", NodeAction.Rejoin, "replica-1"), back.Steps.Last(s => s.Action == NodeAction.Rejoin));
        Assert.True(
            back.Steps.ToList().FindIndex(s => s.Node == "replica-1" && s.Action == NodeAction.ReplicateFrom) < back.Steps.ToList().FindIndex(s => s.Action == NodeAction.Rejoin),
            "the old primary's new source moves first");
    }

    [Fact]
    public void Switching_to_a_node_sends_the_nodes_whose_file_source_leads_to_it_home()
    {
        var away = RoleChangePlanner.Switchover(File4, FileShape, Healthy, "replica-3").Plan!;
        IReadOnlyList<NodeView> moved = [Replica("primary"), Replica("replica-1"), Replica("replica-2"), Primary("replica-3")];
        // Back to the file's shape from replica-3: nothing cascades from replica-3 in the file.
        var back = RoleChangePlanner.Switchover(File4, away.Next, moved, "primary").Plan!;
        Assert.True(back.Next.MatchesFile(File4));

        // A shape in which replica-2 replicates from replica-3 while replica-3 is primary, and the
        // file makes replica-2 cascade from replica-1: switching to replica-1 sends replica-2 home.
        var odd = away.Next.With("replica-2", new LiveNode(NodeRole.Replica, "replica-3", false), "test");
        var toOne = RoleChangePlanner.Switchover(File4, odd, moved, "replica-1").Plan!;
        Assert.Equal("replica-1", toOne.Next.Nodes["replica-2"].Source);
        Assert.Equal("replica-1", toOne.Next.Nodes["replica-3"].Source);
    }

    [Theory]
    [InlineData("replica-9", nameof(RefusalReason.UnknownNode), true)]
    [InlineData("primary", nameof(RefusalReason.AlreadyPrimary), true)]
    public void Switchover_refuses_a_wrong_request_as_bad_input(string to, string reasonName, bool badInput)
    {
        var reason = Enum.Parse<RefusalReason>(reasonName);
        var refusal = RoleChangePlanner.Switchover(File4, FileShape, Healthy, to).Refusal!;
        Assert.Equal(reason, refusal.Reason);
        Assert.Equal(badInput, refusal.BadInput);
    }

    [Fact]
    public void Switchover_refuses_a_target_that_is_not_replicating_and_a_topology_without_exactly_one_primary()
    {
        IReadOnlyList<NodeView> broken = [Primary("primary"), Replica("replica-1", replicating: false), Replica("replica-2"), Replica("replica-3")];
        Assert.Equal(RefusalReason.TargetNotReplicating, RoleChangePlanner.Switchover(File4, FileShape, broken, "replica-1").Refusal!.Reason);
        Assert.Equal(RefusalReason.NotOnePrimary, RoleChangePlanner.Switchover(File4, FileShape, PrimaryGone, "replica-1").Refusal!.Reason);
        IReadOnlyList<NodeView> split = [Primary("primary"), Primary("replica-1"), Replica("replica-2"), Replica("replica-3")];
        var refusal = RoleChangePlanner.Switchover(File4, FileShape, split, "replica-3").Refusal!;
        Assert.Equal(RefusalReason.NotOnePrimary, refusal.Reason);
        Assert.False(refusal.BadInput);
    }

    [Fact]
    public void Failover_is_refused_while_a_node_accepts_writes()
    {
        var refusal = RoleChangePlanner.Failover(File4, FileShape, Healthy, null).Refusal!;
        Assert.Equal(RefusalReason.PrimaryStillWritable, refusal.Reason);
        Assert.Contains("'primary'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failover_fences_the_failed_primary_first_then_drains_every_reachable_replica()
    {
        IReadOnlyList<NodeView> nodes = [Unreachable("primary"), Replica("replica-1"), Unreachable("replica-2"), Replica("replica-3", replicating: false)];
        var candidates = RoleChangePlanner.Failover(File4, FileShape, nodes, null).Plan!;

        Assert.Equal("primary", candidates.OldPrimary);
        Assert.Equal(["replica-1", "replica-3"], candidates.Candidates);
        Assert.Equal(new PlannedStep("primary", NodeAction.Fence), candidates.Steps[0]);
        Assert.Equal(["replica-1", "replica-3"], candidates.Steps.Skip(1).Where(s => s.Action == NodeAction.Drain).Select(s => s.Node));
    }

    [Fact]
    public void Fenced_nodes_are_never_candidates_nor_accepted_by_name()
    {
        // replica-1 took over once and primary was fenced; now replica-1 is gone too.
        var afterFirst = RoleChangePlanner.FailoverTo(File4, FileShape, RoleChangePlanner.Failover(File4, FileShape, PrimaryGone, null).Plan!, "replica-1");
        Assert.True(afterFirst.Next.Nodes["primary"].Fenced);
        IReadOnlyList<NodeView> nodes = [Replica("primary", replicating: false), Unreachable("replica-1"), Replica("replica-2"), Replica("replica-3")];

        var candidates = RoleChangePlanner.Failover(File4, afterFirst.Next, nodes, null).Plan!;
        Assert.Equal("replica-1", candidates.OldPrimary);
        Assert.DoesNotContain("primary", candidates.Candidates);
        var named = RoleChangePlanner.Failover(File4, afterFirst.Next, nodes, "primary").Refusal!;
        Assert.Equal(RefusalReason.TargetNotCandidate, named.Reason);
        Assert.Contains("fenced", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failover_rerun_after_one_killed_before_its_promotion_fences_the_failed_primary_again_not_the_unpromoted_target()
    {
        // The first failover recorded replica-1 as primary and primary as fenced, then died before promoting replica-1.
        var recorded = RoleChangePlanner.FailoverTo(File4, FileShape, RoleChangePlanner.Failover(File4, FileShape, PrimaryGone, null).Plan!, "replica-1").Next;
        IReadOnlyList<NodeView> nodes = [Unreachable("primary"), Replica("replica-1", replicating: false), Replica("replica-2"), Replica("replica-3")];

        var candidates = RoleChangePlanner.Failover(File4, recorded, nodes, null).Plan!;
        Assert.Equal("primary", candidates.OldPrimary);
        Assert.Contains("replica-1", candidates.Candidates);

        // Should another replica have applied more, it takes over and replica-1 follows it.
        var plan = RoleChangePlanner.FailoverTo(File4, recorded, candidates, "replica-3");
        Assert.Equal("replica-3", plan.Next.Primary);
        Assert.Equal(new LiveNode(NodeRole.Replica, "replica-3", false), plan.Next.Nodes["replica-1"]);
        Assert.True(plan.Next.Nodes["primary"].Fenced);
        Assert.Contains(new PlannedStep("replica-1", NodeAction.ReplicateFrom, "replica-3"), plan.Steps);
    }

    [Fact]
    public void A_failover_after_a_switchover_killed_in_its_write_refused_window_fences_the_primary_it_took_writes_from()
    {
        // The switchover recorded replica-1 as primary and the handover from 'primary', stopped 'primary', and died before promoting replica-1.
        var recorded = RoleChangePlanner.Switchover(File4, FileShape, Healthy, "replica-1").Plan!.Next with { HandoverFrom = "primary" };
        IReadOnlyList<NodeView> nodes = [Replica("primary", replicating: false), Replica("replica-1", replicating: false), Replica("replica-2"), Replica("replica-3")];

        var candidates = RoleChangePlanner.Failover(File4, recorded, nodes, null).Plan!;
        Assert.Equal("primary", candidates.OldPrimary);
        Assert.Equal(new PlannedStep("primary", NodeAction.Fence), candidates.Steps[0]);
        Assert.Equal(["replica-1", "replica-2", "replica-3"], candidates.Candidates.Order());

        // The record names the sources the switchover meant to set, not what the servers follow: every other candidate is pointed at its source.
        var plan = RoleChangePlanner.FailoverTo(File4, recorded, candidates, "replica-1");
        Assert.Contains(new PlannedStep("replica-2", NodeAction.ReplicateFrom, "replica-1"), plan.Steps);
        Assert.Contains(new PlannedStep("replica-3", NodeAction.ReplicateFrom, "replica-1"), plan.Steps);

        // Without the record of the handover, the unpromoted target is all the failover can take for the failed primary.
        Assert.Equal("replica-1", RoleChangePlanner.Failover(File4, recorded with { HandoverFrom = null }, nodes, null).Plan!.OldPrimary);
    }

    [Fact]
    public void No_reachable_replica_means_no_failover()
    {
        IReadOnlyList<NodeView> nodes = [Unreachable("primary"), Unreachable("replica-1"), Replica("replica-2", replicating: false) with { Role = null }, Unreachable("replica-3")];
        Assert.Equal(RefusalReason.NoCandidate, RoleChangePlanner.Failover(File4, FileShape, nodes, null).Refusal!.Reason);
        var failedPrimary = RoleChangePlanner.Failover(File4, FileShape, PrimaryGone, "primary").Refusal!;
        Assert.Equal(RefusalReason.TargetNotCandidate, failedPrimary.Reason);
        Assert.True(failedPrimary.BadInput);
    }

    [Fact]
    public void The_most_advanced_replica_wins()
    {
        var choice = RoleChangePlanner.ChooseFailoverTarget([new("replica-1", "5", true), new("replica-3", "7", false)], null, Numeric);
        Assert.Equal("replica-3", choice.Plan);
    }

    [Fact]
    public void On_a_tie_the_synchronous_replica_wins_whatever_the_order()
    {
        Assert.Equal("replica-1", RoleChangePlanner.ChooseFailoverTarget([new("replica-3", "7", false), new("replica-1", "7", true)], null, Numeric).Plan);
        Assert.Equal("replica-1", RoleChangePlanner.ChooseFailoverTarget([new("replica-1", "7", true), new("replica-3", "7", false)], null, Numeric).Plan);
    }

    [Fact]
    public void A_named_replica_that_is_behind_is_refused_and_the_message_names_the_better_one()
    {
        var refusal = RoleChangePlanner.ChooseFailoverTarget([new("replica-1", "5", true), new("replica-3", "7", false)], "replica-1", Numeric).Refusal!;
        Assert.Equal(RefusalReason.TargetBehind, refusal.Reason);
        Assert.Contains("Fail over to 'replica-3'", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("replica-3", RoleChangePlanner.ChooseFailoverTarget([new("replica-1", "7", true), new("replica-3", "7", false)], "replica-3", Numeric).Plan);
    }

    [Fact]
    public void The_synchronous_replica_wins_over_one_ahead_only_by_what_it_has_not_applied_and_nobody_acknowledged()
    {
        // replica-3 received 9 but applied only 4: it discards 5 to 9 when pointed at replica-1.
        CandidatePosition[] positions = [new("replica-3", "9", false) { Kept = "4" }, new("replica-1", "7", true)];

        Assert.Equal("replica-1", RoleChangePlanner.ChooseFailoverTarget(positions, null, Numeric, everySyncReplicaAnswered: true).Plan);
        Assert.Equal("replica-1", RoleChangePlanner.ChooseFailoverTarget(positions, "replica-1", Numeric, everySyncReplicaAnswered: true).Plan);
    }

    [Fact]
    public void The_most_advanced_wins_when_another_keeps_more_than_the_synchronous_replica_received_or_a_synchronous_replica_is_missing()
    {
        // replica-3 applied 8 already: replica-1 (7) would leave it a transaction its primary lacks.
        CandidatePosition[] applied = [new("replica-3", "9", false) { Kept = "8" }, new("replica-1", "7", true)];
        Assert.Equal("replica-3", RoleChangePlanner.ChooseFailoverTarget(applied, null, Numeric, everySyncReplicaAnswered: true).Plan);
        Assert.Equal(RefusalReason.TargetBehind, RoleChangePlanner.ChooseFailoverTarget(applied, "replica-1", Numeric, everySyncReplicaAnswered: true).Refusal!.Reason);

        // A synchronous replica that did not answer may have acknowledged what only replica-3 received.
        CandidatePosition[] unapplied = [new("replica-3", "9", false) { Kept = "4" }, new("replica-1", "7", true)];
        Assert.Equal("replica-3", RoleChangePlanner.ChooseFailoverTarget(unapplied, null, Numeric, everySyncReplicaAnswered: false).Plan);
    }

    [Fact]
    public void Positions_neither_of_which_contains_the_other_need_a_name()
    {
        CandidatePosition[] positions = [new("replica-1", "0:9", false), new("replica-3", "1:4", false)];
        Assert.Equal(RefusalReason.PositionsIncomparable, RoleChangePlanner.ChooseFailoverTarget(positions, null, PerDomain).Refusal!.Reason);
        Assert.Equal("replica-3", RoleChangePlanner.ChooseFailoverTarget(positions, "replica-3", PerDomain).Plan);
    }

    [Fact]
    public void Errant_transactions_are_refused_and_none_is_fine()
    {
        Assert.Null(RoleChangePlanner.Errant("replica-1", [], RoleChangeKind.Switchover));
        var switchover = RoleChangePlanner.Errant("replica-1", ["0-2-17"], RoleChangeKind.Switchover)!;
        Assert.Equal(RefusalReason.ErrantTransactions, switchover.Reason);
        Assert.Contains("0-2-17", switchover.Message, StringComparison.Ordinal);
        Assert.Contains("replica rebuild replica-1", switchover.Message, StringComparison.Ordinal);
        Assert.Contains("--to", RoleChangePlanner.Errant("replica-1", ["0-2-17"], RoleChangeKind.Failover)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failover_promotes_the_target_fences_the_old_primary_and_keeps_cascades()
    {
        var candidates = RoleChangePlanner.Failover(File4, FileShape, PrimaryGone, null).Plan!;
        var plan = RoleChangePlanner.FailoverTo(File4, FileShape, candidates, "replica-1");

        Assert.Equal(new LiveNode(NodeRole.Replica, "replica-1", Fenced: true), plan.Next.Nodes["primary"]);
        Assert.Equal(new LiveNode(NodeRole.Primary, null, false), plan.Next.Nodes["replica-1"]);
        Assert.Equal("replica-1", plan.Next.Nodes["replica-2"].Source);
        Assert.Equal(
            [new("replica-1", NodeAction.Promote), new("replica-3", NodeAction.ReplicateFrom, "replica-1")],
            plan.Steps);
    }

    [Fact]
    public void Failing_over_from_a_cascades_file_source_moves_the_cascade_to_the_new_primary_not_to_the_fenced_node()
    {
        // replica-1 took over by switchover; then it failed, and the file's primary takes over again.
        var away = RoleChangePlanner.Switchover(File4, FileShape, Healthy, "replica-1").Plan!;
        IReadOnlyList<NodeView> nodes = [Replica("primary"), Unreachable("replica-1"), Replica("replica-2", replicating: false), Replica("replica-3")];
        var candidates = RoleChangePlanner.Failover(File4, away.Next, nodes, "primary").Plan!;

        var plan = RoleChangePlanner.FailoverTo(File4, away.Next, candidates, "primary");

        Assert.Equal(new LiveNode(NodeRole.Replica, "primary", Fenced: true), plan.Next.Nodes["replica-1"]);
        Assert.Equal("primary", plan.Next.Nodes["replica-2"].Source);
        Assert.Contains(new PlannedStep("replica-2", NodeAction.ReplicateFrom, "primary"), plan.Steps);
    }

    [Fact]
    public void Rejoin_follows_the_primary_the_servers_report_and_clears_the_fence()
    {
        var fenced = FileShape.With("primary", new LiveNode(NodeRole.Replica, "replica-1", true), "test")
            .With("replica-1", new LiveNode(NodeRole.Primary, null, false), "test");
        IReadOnlyList<NodeView> nodes = [Unreachable("primary"), Primary("replica-1"), Replica("replica-2"), Replica("replica-3")];

        var plan = RoleChangePlanner.Rejoin(File4, fenced, nodes, "primary").Plan!;

        Assert.Equal("replica-1", plan.Source);
        Assert.Equal(new LiveNode(NodeRole.Replica, "replica-1", false), plan.Next.Nodes["primary"]);
        Assert.Equal(RefusalReason.AlreadyPrimary, RoleChangePlanner.Rejoin(File4, fenced, nodes, "replica-1").Refusal!.Reason);
        Assert.Equal(RefusalReason.NotOnePrimary, RoleChangePlanner.Rejoin(File4, FileShape, PrimaryGone, "replica-2").Refusal!.Reason);
    }

    [Fact]
    public void A_fenced_node_promoted_by_hand_is_rejoined_or_rebuilt_under_the_primary_the_failover_chose()
    {
        var fenced = FileShape.With("primary", new LiveNode(NodeRole.Primary, null, true), "test")
            .With("replica-1", new LiveNode(NodeRole.Primary, null, false), "test");
        IReadOnlyList<NodeView> splitBrain = [Primary("primary"), Primary("replica-1"), Replica("replica-2"), Replica("replica-3")];

        Assert.Equal("replica-1", RoleChangePlanner.Rejoin(File4, fenced, splitBrain, "primary").Plan!.Source);
        var rebuild = RoleChangePlanner.Rebuild(File4, fenced, splitBrain, "primary").Plan!;
        Assert.Equal("replica-1", rebuild.Source);
        Assert.Equal(new LiveNode(NodeRole.Replica, "replica-1", false), rebuild.Next.Nodes["primary"]);

        // Without a fence on record nobody can tell which of two primaries to follow.
        Assert.Equal(RefusalReason.NotOnePrimary, RoleChangePlanner.Rebuild(File4, FileShape, splitBrain, "replica-2").Refusal!.Reason);
    }

    [Fact]
    public void Rejoin_leaves_a_replica_that_replicates_alone_but_rejoins_one_that_does_not()
    {
        var following = RoleChangePlanner.Rejoin(File4, FileShape, Healthy, "replica-2").Plan!;
        var stopped = RoleChangePlanner.Rejoin(File4, FileShape, [Primary("primary"), Replica("replica-1"), Replica("replica-2", replicating: false), Replica("replica-3")], "replica-2").Plan!;

        Assert.True(following.AlreadyFollowing);
        Assert.Equal(File4.Node("replica-2").Source, following.Source);
        Assert.Same(FileShape, following.Next);
        Assert.False(stopped.AlreadyFollowing);
        Assert.Equal("primary", stopped.Source);
    }

    /// <summary>Fault campaign, postgres local seed 100 run 86: a switchover killed at its promotion left replica-2 streaming from the old primary, which `up` had made a replica.</summary>
    [Fact]
    public void Rejoin_moves_a_replica_that_streams_from_another_node_than_its_recorded_source()
    {
        var elsewhere = Replica("replica-2") with { Source = "replica-3" };
        var atSource = Replica("replica-2") with { Source = File4.Node("replica-2").Source };

        var moved = RoleChangePlanner.Rejoin(File4, FileShape, [Primary("primary"), Replica("replica-1"), elsewhere, Replica("replica-3")], "replica-2").Plan!;
        var left = RoleChangePlanner.Rejoin(File4, FileShape, [Primary("primary"), Replica("replica-1"), atSource, Replica("replica-3")], "replica-2").Plan!;

        Assert.False(moved.AlreadyFollowing);
        Assert.Equal("primary", moved.Source);
        Assert.True(left.AlreadyFollowing);
    }

    [Fact]
    public void Rebuild_clones_from_the_recorded_source_when_it_replicates_else_from_the_primary()
    {
        Assert.Equal("replica-1", RoleChangePlanner.Rebuild(File4, FileShape, Healthy, "replica-2").Plan!.Source);
        IReadOnlyList<NodeView> sourceDown = [Primary("primary"), Replica("replica-1", replicating: false), Replica("replica-2"), Replica("replica-3")];
        var fromPrimary = RoleChangePlanner.Rebuild(File4, FileShape, sourceDown, "replica-2").Plan!;
        Assert.Equal("primary", fromPrimary.Source);
        Assert.Equal("primary", fromPrimary.Next.Nodes["replica-2"].Source);

        var fenced = FileShape.With("replica-2", new LiveNode(NodeRole.Replica, "replica-1", true), "test");
        Assert.Equal("primary", RoleChangePlanner.Rebuild(File4, fenced, Healthy, "replica-2").Plan!.Source);
        Assert.Equal(RefusalReason.AlreadyPrimary, RoleChangePlanner.Rebuild(File4, FileShape, Healthy, "primary").Refusal!.Reason);
        Assert.Equal(RefusalReason.UnknownNode, RoleChangePlanner.Rebuild(File4, FileShape, Healthy, "nope").Refusal!.Reason);
    }
}
