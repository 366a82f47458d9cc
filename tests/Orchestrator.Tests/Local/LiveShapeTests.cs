using Orchestrator.Environments;
using Orchestrator.State;

namespace Orchestrator.Tests.Local;

public sealed class LiveShapeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orch-shape-").FullName;

    private static EnvironmentDefinition File3() => TestEnvironments.FromYaml("""
        name: shape
        engine: postgres
        provider: local
        database: app
        nodes:
          - { name: primary,   role: primary, port: 25001 }
          - { name: replica-1, role: replica, source: primary, port: 25002, sync: true }
          - { name: replica-2, role: replica, source: replica-1, port: 25003 }
        """);

    [Fact]
    public void Without_a_record_the_shape_is_the_files()
    {
        var file = File3();
        var shape = LiveShape.Of(file, new StateLayout(_root));
        Assert.Equal("primary", shape.Primary);
        Assert.True(shape.MatchesFile(file));
        Assert.Empty(shape.FencedNodes);
    }

    [Fact]
    public void A_recorded_shape_survives_a_round_trip_and_gives_the_nodes_their_live_roles()
    {
        var file = File3();
        var state = new StateLayout(_root);
        new LiveShape(
            new Dictionary<string, LiveNode>
            {
                ["primary"] = new(NodeRole.Replica, "replica-1", Fenced: true),
                ["replica-1"] = new(NodeRole.Primary, null, Fenced: false),
                ["replica-2"] = new(NodeRole.Replica, "replica-1", Fenced: false),
            },
            "failover from primary to replica-1",
            DateTimeOffset.UtcNow).Save(state);

        var loaded = LiveShape.Load(state)!;
        Assert.Equal("replica-1", loaded.Primary);
        Assert.Equal(["primary"], loaded.FencedNodes);
        Assert.False(loaded.MatchesFile(file));
        var live = loaded.Apply(file);
        Assert.Equal("replica-1", live.Primary.Name);
        Assert.Equal("replica-1", live.Node("primary").Source);
        Assert.Equal(25001, live.Node("primary").Port);

        // The synchronous replica became the primary; the old primary is fenced, so nothing is waited for yet.
        Assert.DoesNotContain(live.Nodes, n => n.Sync);
    }

    [Fact]
    public void A_synchronous_replica_that_became_the_primary_passes_its_duty_to_the_old_primary_once_it_follows_directly()
    {
        var file = File3();
        var rejoined = new LiveShape(
            new Dictionary<string, LiveNode>
            {
                ["primary"] = new(NodeRole.Replica, "replica-1", Fenced: false),
                ["replica-1"] = new(NodeRole.Primary, null, Fenced: false),
                ["replica-2"] = new(NodeRole.Replica, "replica-1", Fenced: false),
            },
            "rejoin of primary",
            DateTimeOffset.UtcNow).Apply(file);
        Assert.Equal(["primary"], rejoined.Nodes.Where(n => n.Sync).Select(n => n.Name));

        // A switchover to a replica that is not synchronous keeps the file's synchronous replica as it is.
        var elsewhere = new LiveShape(
            new Dictionary<string, LiveNode>
            {
                ["primary"] = new(NodeRole.Replica, "replica-2", Fenced: false),
                ["replica-1"] = new(NodeRole.Replica, "replica-2", Fenced: false),
                ["replica-2"] = new(NodeRole.Primary, null, Fenced: false),
            },
            "switchover from primary to replica-2",
            DateTimeOffset.UtcNow).Apply(file);
        Assert.Equal(["replica-1"], elsewhere.Nodes.Where(n => n.Sync).Select(n => n.Name));
    }

    [Fact]
    public void A_record_that_cannot_be_combined_with_the_file_is_an_error_that_says_what_to_do()
    {
        var file = File3();
        var broken = new LiveShape(new Dictionary<string, LiveNode> { ["replica-1"] = new(NodeRole.Primary, null, false) }, "test", DateTimeOffset.UtcNow);
        var error = Assert.Throws<LocalProviderException>(() => broken.Apply(file));
        Assert.Contains("primaries primary, replica-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("status", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_record_names_the_file()
    {
        var state = new StateLayout(_root);
        File.WriteAllText(state.TopologyFile, "{ not json");
        var error = Assert.Throws<LocalProviderException>(() => LiveShape.Load(state));
        Assert.Contains(state.TopologyFile, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
