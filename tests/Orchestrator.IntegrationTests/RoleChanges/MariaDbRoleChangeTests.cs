using Orchestrator.Composition;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Monitoring;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.Topology;
using Orchestrator.Topology.RoleChanges;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests.RoleChanges;

/// <summary>replica-1 is semi-synchronous: a failover to it must lose no acknowledged write.</summary>
public sealed class MariaDbRoleChangeTests(ITestOutputHelper output) : RoleChangeTests(EngineKind.MariaDb, "it-mdb-rc", output)
{
    protected override bool SynchronousReplica => true;

    /// <summary>The replicas run with the kill-connection timeout their option files give (1 s, the server's default being 5 s), none of their own left by the failover.</summary>
    private protected override async Task AssertFailoverLeftNoSettingsAsync(TestTopology topology)
    {
        foreach (var node in new[] { "replica-1", "replica-2" })
        {
            await using var session = await topology.ConnectAsync(node);
            Assert.Equal(1, (await session.QueryAsync("SELECT @@rpl_semi_sync_slave_kill_conn_timeout AS seconds")).Single().GetInt64("seconds"));
        }
    }

    [Fact]
    public async Task A_frozen_semi_synchronous_primary_under_writers_fails_over_losing_nothing_and_rejoins()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "it-mdb-frozen", syncReplica: true);
        await using var writer = await BackgroundWriter.StartAsync(topology);
        await using var sampler = new WritableSampler(topology);
        await writer.WaitForMoreAsync(300, "primary");

        // The whole process group stops, as a hung machine would; the failover's fence kills it.
        var pid = topology.ServerPid("primary");
        Assert.Equal(0, Libc.Kill(-ProcessGroup(pid), SigStop));
        var acknowledgedBefore = writer.Acknowledged.Count;
        var outcome = await topology.Local().FailoverAsync(null, CancellationToken.None);
        Assert.True(outcome.Succeeded, Describe(outcome));
        Assert.Equal("replica-1", outcome.NewPrimary);
        Assert.False(Libc.ProcessExists(pid), "the frozen primary was killed by the fence");
        await writer.WaitForMoreAsync(200, "replica-1");

        var lost = await writer.MissingOnAsync("replica-1");
        Output.WriteLine($"failover lost {lost.Count} of {writer.Acknowledged.Count} acknowledged writes ({acknowledgedBefore} before the freeze)");
        Assert.Empty(lost);
        var rejoin = await topology.Local().RejoinAsync("primary", CancellationToken.None);
        Assert.True(rejoin.Succeeded, Describe(rejoin));
        await writer.WaitForMoreAsync(100, "replica-1");
        await writer.StopAsync();
        try
        {
            await TestTopology.EventuallyAsync(async () => (await writer.MissingOnAsync("primary")).Count == 0, "the rejoined primary has every acknowledged write");
        }
        catch (Exception)
        {
            var missing = await writer.MissingOnAsync("primary");
            Output.WriteLine($"missing on primary: {missing.Count}: {string.Join(",", missing.Take(20))}");
            foreach (var node in new[] { "primary", "replica-1" })
            {
                await using var session = await topology.ConnectAsync(node);
                var row = (await session.QueryAsync("SELECT @@gtid_binlog_pos AS b, @@gtid_slave_pos AS s, @@gtid_current_pos AS c")).Single();
                Output.WriteLine($"{node}: binlog {row.GetString("b")} slave {row.GetString("s")} current {row.GetString("c")}");
                foreach (var st in await session.QueryAsync("SHOW SLAVE STATUS"))
                {
                    Output.WriteLine($"  io {st.GetString("Slave_IO_Running")} sql {st.GetString("Slave_SQL_Running")} err {st.GetString("Last_Error")} io_err {st.GetString("Last_IO_Error")} gtid_io {st.GetString("Gtid_IO_Pos")}");
                }
            }

            Output.WriteLine(await topology.ServerLogAsync("primary"));
            throw;
        }

        // replica-1's replicas are not synchronous in the file: nothing lapsed.
        var status = await topology.StatusAsync();
        Assert.False(status.Node("replica-1").SynchronousLapsed);
        Assert.False(status.SplitBrain);
        sampler.AssertSampled(20);
        Output.WriteLine(sampler.Summary);
    }

    /// <summary>
    /// A failover's promotion takes writes before it stops the replication it had as a replica
    /// (a semi-synchronous replica's stop waits on a failed container's vanished address). A tool
    /// killed in between leaves the new primary writable with its applier stopped and its old
    /// source still named: status must show the primary it is, and 'up' finishes the promotion.
    /// </summary>
    [Fact]
    public async Task A_promotion_interrupted_after_the_node_took_writes_is_a_primary_and_up_finishes_it()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "it-mdb-unfinished", syncReplica: true);
        Assert.Equal(0, Libc.Kill(-ProcessGroup(topology.ServerPid("primary")), Libc.SigKill));
        var failover = await topology.Local().FailoverAsync("replica-1", CancellationToken.None);
        Assert.True(failover.Succeeded, Describe(failover));

        // What the killed tool would have left: the old source named again, the receiver retrying it, the applier stopped.
        var oldPrimary = topology.Environment.Node("primary");
        await using (var session = await topology.ConnectAsync("replica-1"))
        {
            await session.ExecuteAsync("CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = 'replicator', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1", [oldPrimary.Host, oldPrimary.Port]);
            await session.ExecuteAsync("START SLAVE IO_THREAD");
        }

        var before = (await topology.StatusAsync()).Node("replica-1");
        Assert.Equal(ObservedRole.Primary, before.Role);
        Assert.Contains("promotion unfinished", before.ReplicationState, StringComparison.Ordinal);

        await topology.Local().UpAsync(CancellationToken.None);

        await using (var session = await topology.ConnectAsync("replica-1"))
        {
            Assert.DoesNotContain(await session.QueryAsync("SHOW SLAVE STATUS"), r => !string.IsNullOrEmpty(r.GetString("Master_Host")));
            Assert.Equal(0, (await session.QueryAsync("SELECT @@read_only AS ro")).Single().GetInt64("ro"));
        }

        var after = (await topology.StatusAsync()).Node("replica-1");
        Assert.Equal(ObservedRole.Primary, after.Role);
        Assert.Null(after.ReplicationState);
    }

    /// <summary>
    /// The fault campaign's seed 20261206, run 27 (kill-primary-during-migrate): the primary died
    /// with a migration's schema change in its binary log after commits no replica had
    /// acknowledged. Its crash recovery as a replica must discard those commits and cannot cut out
    /// the schema change, so the server does not start: rejoin says so and names the rebuild.
    /// </summary>
    [Fact]
    public async Task A_primary_killed_with_a_schema_change_logged_after_unacknowledged_commits_is_refused_a_rejoin_and_rebuilt()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "it-mdb-ddl", syncReplica: true);
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE ddl_writes (id bigint PRIMARY KEY)");
        }

        await TestTopology.EventuallyAsync(async () =>
        {
            await using var session = await topology.ConnectAsync("replica-1");
            return (await session.QueryAsync("SHOW TABLES LIKE 'ddl_writes'")).Count == 1;
        }, "replica-1 has the table");

        // With the semi-synchronous replica frozen, a commit waits for an acknowledgement in the
        // binary log (and prepared in InnoDB), and a schema change is logged after it.
        var replica = ProcessGroup(topology.ServerPid("replica-1"));
        Assert.Equal(0, Libc.Kill(-replica, SigStop));
        var waiting = new List<Task>();
        try
        {
            waiting.Add(ExecuteOnPrimaryAsync(topology, "INSERT INTO ddl_writes VALUES (1)"));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            waiting.Add(ExecuteOnPrimaryAsync(topology, "CREATE TABLE ddl_later (id int)"));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.All(waiting, t => Assert.False(t.IsCompleted, "the commits wait for the frozen replica"));
            Assert.Equal(0, Libc.Kill(-ProcessGroup(topology.ServerPid("primary")), Libc.SigKill));
        }
        finally
        {
            // runuser, the group's leader, stops itself when it sees its server stopped, which
            // can come after the first SIGCONT: a second one, later, leaves nothing stopped.
            Libc.Kill(-replica, SigCont);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Libc.Kill(-replica, SigCont);
        }

        await Task.WhenAll(waiting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        var failover = await topology.Local().FailoverAsync(null, CancellationToken.None);
        Assert.True(failover.Succeeded, Describe(failover));

        var rejoin = await topology.Local().RejoinAsync("primary", CancellationToken.None);

        Assert.False(rejoin.Succeeded, Describe(rejoin));
        var refused = Assert.Single(rejoin.Changes);
        Assert.Equal(Orchestrator.Replication.RejoinRefusalReason.MigrationAtCrash, refused.RejoinRefusal);
        Assert.Contains("replica rebuild primary", refused.Detail, StringComparison.Ordinal);
        var rebuild = await topology.Local().RebuildAsync("primary", CancellationToken.None);
        Assert.True(rebuild.Succeeded, Describe(rebuild));
        var rebuilt = (await topology.StatusAsync()).Node("primary");
        Assert.Equal(("replica-1", "replicating"), (rebuilt.ReplicatingFrom, rebuilt.ReplicationState));
    }

    private static async Task ExecuteOnPrimaryAsync(TestTopology topology, string sql)
    {
        await using var session = await topology.ConnectAsync("primary");
        await session.ExecuteAsync(sql);
    }

    [Fact]
    public async Task Status_and_metrics_show_semi_synchronous_replication_and_fail_on_a_fall_back_and_on_commits_waiting_for_nobody()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "it-mdb-semisync", syncReplica: true);
        var healthy = await topology.StatusAsync();
        Assert.True(healthy.Healthy, string.Join("; ", healthy.Notes.Select(n => n.Text)));
        Assert.Equal(new SynchronousReplication(true, 1, 0), healthy.Node("primary").Synchronous);
        Assert.True(healthy.Node("primary").ExpectsSynchronous);
        var (okExit, ok) = await CliRunner.RunAsync("status", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(okExit == 0, ok);
        Assert.Contains("sync, 1 acking", ok, StringComparison.Ordinal);
        await AssertMetricAsync(topology, "orchestrator_synchronous_replication_active", 1);

        // A primary told to wait only briefly falls back to asynchronous replication once its replica is silent.
        await using (var primary = await topology.ConnectAsync("primary"))
        await using (var replica = await topology.ConnectAsync("replica-1"))
        {
            await primary.ExecuteAsync("SET GLOBAL rpl_semi_sync_master_timeout = 200");
            await replica.ExecuteAsync("STOP SLAVE IO_THREAD");
            await primary.ExecuteAsync("CREATE TABLE written_while_alone (id int PRIMARY KEY)");
        }

        var lapsed = await topology.StatusAsync();
        Assert.True(lapsed.Node("primary").SynchronousLapsed);
        Assert.Contains(lapsed.Notes, n => n.Kind == StatusNoteKind.SynchronousLapsed && n.Nodes.SequenceEqual(["primary"]));
        var (lapsedExit, lapsedText) = await CliRunner.RunAsync("status", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(lapsedExit == 1, lapsedText);
        Assert.Contains("async (fell back)", lapsedText, StringComparison.Ordinal);
        await AssertMetricAsync(topology, "orchestrator_synchronous_replication_active", 0);

        // up restores the wait; the replica reconnecting resumes semi-synchronous replication.
        await using (var replica = await topology.ConnectAsync("replica-1"))
        {
            await replica.ExecuteAsync("START SLAVE IO_THREAD");
        }

        await topology.UpAsync();
        await TestTopology.EventuallyAsync(async () => (await topology.StatusAsync()).Healthy, "semi-synchronous replication resumed");

        // With the replica gone silent again, a commit waits, and status says for whom.
        await using (var replica = await topology.ConnectAsync("replica-1"))
        {
            await replica.ExecuteAsync("STOP SLAVE IO_THREAD");
        }

        await using var writer = await topology.ConnectAsync("primary");
        var waiting = writer.ExecuteAsync("CREATE TABLE written_when_acknowledged (id int PRIMARY KEY)");
        await TestTopology.EventuallyAsync(async () => (await topology.StatusAsync()).Node("primary").CommitsStuck, "the commit waits for an acknowledgement");
        Assert.False(waiting.IsCompleted);
        var stuck = await topology.StatusAsync();
        Assert.Contains(stuck.Notes, n => n.Kind == StatusNoteKind.CommitsStuck);
        var (stuckExit, stuckText) = await CliRunner.RunAsync("status", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(stuckExit == 1, stuckText);
        await AssertMetricAsync(topology, "orchestrator_commits_waiting_for_replica", 1);
        await using (var replica = await topology.ConnectAsync("replica-1"))
        {
            await replica.ExecuteAsync("START SLAVE IO_THREAD");
        }

        await waiting.WaitAsync(TimeSpan.FromSeconds(60));
        await TestTopology.EventuallyAsync(async () => (await topology.StatusAsync()).Healthy, "healthy once the replica acknowledged");
    }

    /// <summary>The primary's value of <paramref name="metric"/> in one scrape of the exporter.</summary>
    internal static async Task AssertMetricAsync(TestTopology topology, string metric, double expected)
    {
        await using var metrics = new TopologyMetrics(CompositionRoot.Open(topology.Environment, topology.StateDir, SilentProgress.Instance));
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text);
        var line = System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n')
            .Single(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains("node=\"primary\"", StringComparison.Ordinal));
        Assert.Equal(expected, double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private const int SigStop = 19;

    private const int SigCont = 18;

    /// <summary>The process group of <paramref name="pid"/>: the fifth field of /proc/PID/stat, after the command in parentheses.</summary>
    private static int ProcessGroup(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Describe(RoleChangeOutcome outcome) =>
        $"{outcome.Refusal?.Message} {string.Join("; ", outcome.Changes.Select(c => $"{c.Node} {c.Action} {c.Result} {c.Detail}"))}";

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
