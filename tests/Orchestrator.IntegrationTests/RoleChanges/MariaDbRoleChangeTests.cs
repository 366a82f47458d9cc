using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Topology;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests.RoleChanges;

/// <summary>MariaDB replicas are asynchronous here, so a failover's loss is measured and reported rather than required to be zero.</summary>
public sealed class MariaDbRoleChangeTests(ITestOutputHelper output) : RoleChangeTests(EngineKind.MariaDb, "it-mdb-rc", output)
{
    protected override bool SynchronousReplica => false;

    [Fact]
    public async Task A_node_rebuilt_from_a_dump_takes_over_and_the_old_primary_follows_it_though_their_binlog_states_differ()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "it-mdb-rebuilt");

        // replica-1 writes as primary once (its server id enters every binary log state), then the file's primary again.
        Assert.True((await topology.Local().SwitchoverAsync("replica-1", CancellationToken.None)).Succeeded);
        await using (var session = await topology.ConnectAsync("replica-1"))
        {
            await session.ExecuteAsync("CREATE TABLE written_by_replica_1 (id int PRIMARY KEY)");
        }

        Assert.True((await topology.Local().SwitchoverAsync("primary", CancellationToken.None)).Succeeded);

        // Cloned from a dump, replica-1's binary log state restarts at one GTID per domain.
        Assert.True((await topology.Local().RebuildAsync("replica-1", CancellationToken.None)).Succeeded);
        var away = await topology.Local().SwitchoverAsync("replica-1", CancellationToken.None);

        Assert.True(away.Succeeded, string.Join("; ", away.Changes.Select(c => $"{c.Node} {c.Action} {c.Result} {c.Detail}")));
        var status = await topology.StatusAsync();
        Assert.Equal("replica-1", status.Node("primary").ReplicatingFrom);
        Assert.Equal("replicating", status.Node("primary").ReplicationState);

        // Back in the file's shape, a replica made to follow nobody is marked, and status fails until it follows again.
        Assert.True((await topology.Local().SwitchoverAsync("primary", CancellationToken.None)).Succeeded);
        await using (var session = await topology.ConnectAsync("replica-2"))
        {
            await session.ExecuteAsync("STOP SLAVE");
            await session.ExecuteAsync("RESET SLAVE ALL");
        }

        var (adriftExit, adrift) = await CliRunner.RunAsync("status", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(adriftExit == 1, adrift);
        var adriftStatus = await topology.StatusAsync();
        Assert.True(adriftStatus.Node("replica-2").FollowsNobody);
        Assert.Equal(["replica-2"], Assert.Single(adriftStatus.Notes, n => n.Kind == StatusNoteKind.FollowsNobody).Nodes);
        Assert.True((await topology.Local().RejoinAsync("replica-2", CancellationToken.None)).Succeeded);
        var (backExit, back) = await CliRunner.RunAsync("status", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(backExit == 0, back);
        Assert.DoesNotContain((await topology.StatusAsync()).Notes, n => n.Kind == StatusNoteKind.FollowsNobody);
    }
}
