using Orchestrator.Environments;
using Orchestrator.Topology;
using Orchestrator.Hosts;
using Orchestrator.Servers;

namespace Orchestrator.Tests.Topology;

/// <summary>The notes and health an environment's status carries, decided from the rows, the fenced nodes and the hosts' notes alone.</summary>
public sealed class StatusNotesTests
{
    private static NodeStatus Node(string name, NodeRole expected, ObservedRole? role, string? from, string? expectedSource = null, bool reachable = true) =>
        new(name, expected, $"127.0.0.1:{5000 + name.Length}", reachable, reachable ? null : "connection refused", role, "15.18", from, from is null ? null : "streaming", null, 0, null, null)
        {
            ExpectedSource = expectedSource,
        };

    private static EnvironmentStatus Status(params NodeStatus[] nodes) => new("t", EngineKind.Postgres, ProviderKind.Local, nodes);

    private static IEnumerable<(StatusNoteKind, string)> Kinds(EnvironmentStatus status) =>
        status.Notes.Select(n => (n.Kind, string.Join(",", n.Nodes)));

    [Fact]
    public void The_files_shape_as_the_servers_report_it_is_healthy_and_needs_no_note()
    {
        var status = Status(
            Node("primary", NodeRole.Primary, ObservedRole.Primary, null),
            Node("replica-1", NodeRole.Replica, ObservedRole.Replica, "primary", "primary"));

        Assert.True(status.Healthy);
        Assert.Empty(status.Notes);
    }

    [Theory]
    [InlineData(true, 1, 0, true, null)]
    [InlineData(true, 0, 0, true, null)]
    [InlineData(false, 0, 0, false, null)]
    [InlineData(false, 1, 0, true, nameof(StatusNoteKind.SynchronousLapsed))]
    [InlineData(true, 0, 3, true, nameof(StatusNoteKind.CommitsStuck))]
    [InlineData(true, 1, 3, true, null)]
    [InlineData(true, 1, 3, true, nameof(StatusNoteKind.CommitsStalled), true)]
    [InlineData(true, 0, 3, true, nameof(StatusNoteKind.CommitsStuck), true)]
    public void A_primary_whose_commits_should_wait_and_do_not_or_wait_for_nobody_or_stall_is_noted_and_unhealthy(
        bool waits, long acknowledging, long waiting, bool expected, string? note, bool stalled = false)
    {
        var status = Status(
            Node("primary", NodeRole.Primary, ObservedRole.Primary, null) with { Synchronous = new SynchronousReplication(waits, acknowledging, waiting, stalled), ExpectsSynchronous = expected },
            Node("replica-1", NodeRole.Replica, ObservedRole.Replica, "primary", "primary"));

        Assert.Equal(note is null, status.Healthy);
        Assert.Equal(note is { } kind ? [(Enum.Parse<StatusNoteKind>(kind), "primary")] : [], Kinds(status));
    }

    [Fact]
    public void A_migration_in_progress_on_the_primary_is_noted_once_and_leaves_the_health_alone()
    {
        IReadOnlyList<Orchestrator.Migrations.Running.MigrationInProgress> partly = [new(2002, 1, TransactionCommitted: false)];
        var status = Status(
            Node("primary", NodeRole.Primary, ObservedRole.Primary, null) with { InProgressMigrations = partly },
            Node("replica-1", NodeRole.Replica, ObservedRole.Replica, "primary", "primary") with { InProgressMigrations = partly });

        Assert.True(status.Healthy);
        Assert.Equal([(StatusNoteKind.MigrationInProgress, "primary")], Kinds(status));
        Assert.Contains("migration 2002 on 'primary' is partly applied (an earlier run did 1 of its statements)", status.Notes.Single().Text, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_failover_the_fenced_node_is_noted_and_the_moved_nodes_are_named()
    {
        var status = Status(
            Node("primary", NodeRole.Primary, null, null, reachable: false),
            Node("replica-1", NodeRole.Replica, ObservedRole.Primary, null, "primary"),
            Node("replica-2", NodeRole.Replica, ObservedRole.Replica, "replica-1", "replica-1")) with { FencedNodes = ["primary"] };

        Assert.False(status.Healthy);
        Assert.Equal([(StatusNoteKind.Fenced, "primary"), (StatusNoteKind.ShapeDiffers, "replica-1")], Kinds(status));
        Assert.Contains("Once the fenced node has rejoined", status.Notes[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_writable_nodes_are_a_split_brain_and_a_writable_fenced_node_gets_no_fence_note()
    {
        var status = Status(
            Node("primary", NodeRole.Primary, ObservedRole.Primary, null),
            Node("replica-1", NodeRole.Replica, ObservedRole.Primary, null, "primary")) with { FencedNodes = ["primary"] };

        Assert.True(status.SplitBrain);
        Assert.False(status.Healthy);
        Assert.Equal([(StatusNoteKind.SplitBrain, "primary,replica-1"), (StatusNoteKind.ShapeDiffers, "replica-1")], Kinds(status));
    }

    [Fact]
    public void A_replica_that_follows_nobody_is_noted_and_unhealthy_although_in_its_role()
    {
        var status = Status(
            Node("primary", NodeRole.Primary, ObservedRole.Primary, null),
            Node("replica-1", NodeRole.Replica, ObservedRole.Replica, null, "primary"));

        Assert.True(status.Node("replica-1").FollowsNobody);
        Assert.False(status.Healthy);
        Assert.Equal([(StatusNoteKind.FollowsNobody, "replica-1")], Kinds(status));
    }

    [Fact]
    public void Host_notes_and_a_migrations_problem_come_first_in_that_order()
    {
        var status = Status(
            Node("primary", NodeRole.Primary, ObservedRole.Primary, null),
            Node("replica-1", NodeRole.Replica, null, null, "primary", reachable: false)) with
        {
            MigrationsProblem = "the project did not build",
            HostNotes = [new HostNote("replica-1", HostCondition.Paused, "'replica-1': its container c is paused")],
        };

        Assert.False(status.Healthy);
        Assert.Equal([(StatusNoteKind.MigrationsNotCounted, ""), (StatusNoteKind.Host, "replica-1")], Kinds(status));
    }
}
