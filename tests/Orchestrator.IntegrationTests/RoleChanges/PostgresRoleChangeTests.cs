using Orchestrator.Composition;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Servers;
using Orchestrator.Topology;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests.RoleChanges;

public sealed class PostgresRoleChangeTests(ITestOutputHelper output) : RoleChangeTests(EngineKind.Postgres, "it-pg-rc", output)
{
    protected override bool SynchronousReplica => true;

    /// <summary>The promotion's short wal_retrieve_retry_interval was an ALTER SYSTEM, reset once promoted.</summary>
    private protected override async Task AssertFailoverLeftNoSettingsAsync(TestTopology topology)
    {
        await using var session = await topology.ConnectAsync("replica-1");
        var rows = await session.QueryAsync("SELECT name FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'");
        Assert.Empty(rows.Select(r => r.GetString("name")));
        var interval = (await session.QueryAsync("SELECT setting FROM pg_settings WHERE name = 'wal_retrieve_retry_interval'")).Single().GetString("setting");
        Assert.Equal("1000", interval);
    }

    /// <summary>
    /// The fault campaign's kill-tool-switchover (postgres, docker, seed 11 run 4): killed after
    /// the promotion, the old primary was never moved. `up` started it as a replica of the new
    /// primary with no password for it, and with no slot there the WAL it needed was soon recycled.
    /// </summary>
    [Fact]
    public async Task A_switchover_killed_after_the_promotion_is_finished_by_up_however_much_was_written_since()
    {
        await using var topology = await SwitchoverKilledAfterAsync("it-pg-rc-kp", "replica-1", "promote");

        // The new primary moves on by several segments and checkpoints: only a slot keeps the
        // segment where its history began.
        for (var i = 2; i <= 4; i++)
        {
            await ExecuteAsync(topology, "replica-1", $"INSERT INTO kept VALUES ({i})", "SELECT pg_switch_wal()", "CHECKPOINT");
        }

        var (upExit, upOutput) = await CliRunner.RunAsync("up", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(upExit == 0, upOutput);
        var status = await topology.StatusAsync();
        Assert.Equal(ObservedRole.Primary, status.Node("replica-1").Role);
        Assert.Equal("replica-1", status.Node("primary").ReplicatingFrom);
        Assert.Equal("replica-1", status.Node("replica-2").ReplicatingFrom);
        await WaitEverywhereAsync(topology, "kept", 4);
    }

    /// <summary>
    /// The fault campaign's kill-tool-switchover (postgres, local, seed 4 run 1): killed between
    /// the stop of the old primary and the promotion, nothing took writes, and `up` waited its
    /// whole replay timeout for a replica of a primary that was itself a replica. It now says so
    /// at once, and `failover` is the way on.
    /// </summary>
    [Fact]
    public async Task A_switchover_killed_before_the_promotion_makes_up_name_failover_and_failover_loses_nothing()
    {
        await using var topology = await SwitchoverKilledAfterAsync("it-pg-rc-kb", "primary", "stop (fast shutdown)");

        var args = new[] { "-e", topology.File, "--state-dir", topology.StateDir };
        var (upExit, upOutput) = await CliRunner.RunAsync(["up", .. args]);
        Assert.True(upExit == 1, upOutput);
        Assert.Contains("'replica-1' is the primary of the recorded shape but runs as a replica", upOutput, StringComparison.Ordinal);
        Assert.Contains("'failover'", upOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", upOutput, StringComparison.Ordinal);

        var (failoverExit, failoverOutput) = await CliRunner.RunAsync(["failover", .. args]);
        Assert.True(failoverExit == 0, failoverOutput);
        var promoted = Assert.Single((await topology.StatusAsync()).Nodes, n => n.Role == ObservedRole.Primary).Name;
        await ExecuteAsync(topology, promoted, "INSERT INTO kept VALUES (2)");
        foreach (var node in (await topology.StatusAsync()).Nodes.Where(n => n.Name != promoted && n.ReplicatingFrom is null))
        {
            var (rejoinExit, rejoinOutput) = await CliRunner.RunAsync(["rejoin", node.Name, .. args]);
            Assert.True(rejoinExit == 0, rejoinOutput);
        }

        await WaitEverywhereAsync(topology, "kept", 2);
    }

    /// <summary>
    /// The fault campaign's kill-tool-failover (postgres, local, seed 100 run 26): killed the
    /// moment it promoted its target, before it moved the other replica under it. The new primary
    /// had no slot for that replica, recycled the segment where its history began, and the
    /// replica could only be rebuilt. Its slot is now made before the promotion. (Here the
    /// cascading replica-2 is the target, so that replica-1 is the one left to move.)
    /// </summary>
    [Fact]
    public async Task A_failover_killed_after_the_promotion_leaves_the_other_replica_able_to_rejoin_however_much_was_written()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.Postgres, "it-pg-rc-fk", syncReplica: true);
        await ExecuteAsync(topology, "primary", "CREATE TABLE kept (id int PRIMARY KEY)", "INSERT INTO kept VALUES (1)");
        await WaitEverywhereAsync(topology, "kept", 1);
        await topology.KillServerAsync("primary");
        var interrupted = new LocalTopology(CompositionRoot.Open(topology.Environment, topology.StateDir, new FailAfterStep("replica-2", "promote")));
        await Assert.ThrowsAsync<InjectedFault>(() => interrupted.FailoverAsync("replica-2", CancellationToken.None));

        for (var i = 2; i <= 4; i++)
        {
            await ExecuteAsync(topology, "replica-2", $"INSERT INTO kept VALUES ({i})", "SELECT pg_switch_wal()", "CHECKPOINT");
        }

        var args = new[] { "-e", topology.File, "--state-dir", topology.StateDir };
        var (rejoinExit, rejoinOutput) = await CliRunner.RunAsync(["rejoin", "replica-1", .. args]);
        Assert.True(rejoinExit == 0, rejoinOutput);
        Assert.Equal("replica-2", (await topology.StatusAsync()).Node("replica-1").ReplicatingFrom);
        await topology.WaitForRowsAsync("replica-1", "kept", 4);
    }

    /// <summary>A topology whose table 'kept' holds one row, and a switchover to <paramref name="target"/> that died the moment <paramref name="node"/> finished <paramref name="step"/>.</summary>
    private static async Task<TestTopology> SwitchoverKilledAfterAsync(string name, string node, string step, string target = "replica-1")
    {
        var topology = await TestTopology.StartAsync(EngineKind.Postgres, name, syncReplica: true);
        try
        {
            await ExecuteAsync(topology, "primary", "CREATE TABLE kept (id int PRIMARY KEY)", "INSERT INTO kept VALUES (1)");
            var interrupted = new LocalTopology(CompositionRoot.Open(topology.Environment, topology.StateDir, new FailAfterStep(node, step)));
            await Assert.ThrowsAsync<InjectedFault>(() => interrupted.SwitchoverAsync(target, CancellationToken.None));
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the statements, failing the test rather than hanging when a commit waits for a synchronous standby that never answers.</summary>
    private static async Task ExecuteAsync(TestTopology topology, string node, params string[] statements)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var session = await topology.ConnectAsync(node);
        foreach (var statement in statements)
        {
            await session.ExecuteAsync(statement, cancellationToken: limit.Token);
        }
    }

    private static async Task WaitEverywhereAsync(TestTopology topology, string table, long rows)
    {
        foreach (var node in topology.Environment.Nodes)
        {
            await topology.WaitForRowsAsync(node.Name, table, rows);
        }
    }
}
