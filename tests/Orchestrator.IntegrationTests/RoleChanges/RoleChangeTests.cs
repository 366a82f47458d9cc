using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Monitoring;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Topology;
using Xunit.Abstractions;
using Orchestrator.Replication;
using Orchestrator.Composition;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.IntegrationTests.RoleChanges;

/// <summary>
/// Switchover, failover, rejoin and rebuild on topologies of their own (primary, replica-1,
/// replica-2 cascading from replica-1), with a client writing throughout that records every
/// acknowledged commit, and a sampler checking that no two nodes ever accept writes at once.
/// </summary>
public abstract class RoleChangeTests
{
    private readonly EngineKind _engine;
    private readonly string _name;
    private readonly ITestOutputHelper _output;

    private protected RoleChangeTests(EngineKind engine, string name, ITestOutputHelper output)
    {
        _engine = engine;
        _name = name;
        _output = output;
    }

    private protected ITestOutputHelper Output => _output;

    /// <summary>Whether replica-1 is synchronous, so that a failover to it must lose nothing.</summary>
    protected abstract bool SynchronousReplica { get; }

    /// <summary>Asserts that what the failover of primary to replica-1 changed on the servers to go faster was put back.</summary>
    private protected abstract Task AssertFailoverLeftNoSettingsAsync(TestTopology topology);

    [Fact]
    public async Task Switchover_to_a_cascading_replica_and_back_loses_no_acknowledged_write()
    {
        await using var topology = await TestTopology.StartAsync(_engine, $"{_name}-sw", SynchronousReplica);
        await using var writer = await BackgroundWriter.StartAsync(topology);
        await using var sampler = new WritableSampler(topology);
        await writer.WaitForMoreAsync(200, "primary");

        var unknown = await topology.Local().SwitchoverAsync("replica-9", CancellationToken.None);
        AssertRefused(unknown, RefusalReason.UnknownNode, badInput: true);
        var self = await topology.Local().SwitchoverAsync("primary", CancellationToken.None);
        AssertRefused(self, RefusalReason.AlreadyPrimary, badInput: true);
        var failover = await topology.Local().FailoverAsync(null, CancellationToken.None);
        AssertRefused(failover, RefusalReason.PrimaryStillWritable, badInput: false);

        var away = await topology.Local().SwitchoverAsync("replica-2", CancellationToken.None);
        Report(away);
        Assert.True(away.Succeeded, Describe(away));
        Assert.Equal("replica-2", away.NewPrimary);
        Assert.True(away.WriteRefusedWindow > TimeSpan.Zero);
        AssertSteps(
            away,
            ("primary", NodeAction.StopWrites, null),
            ("replica-2", NodeAction.Promote, null),
            ("replica-1", NodeAction.ReplicateFrom, "replica-2"),
            ("primary", NodeAction.Rejoin, "replica-2"));
        AssertRejoined(away, "primary");
        await writer.WaitForMoreAsync(200, "replica-2");
        var moved = await topology.StatusAsync();
        Assert.Equal(ObservedRole.Primary, moved.Node("replica-2").Role);
        Assert.Equal("replica-2", moved.Node("primary").ReplicatingFrom);
        Assert.Equal("replica-2", moved.Node("replica-1").ReplicatingFrom);
        Assert.Equal(["primary", "replica-1", "replica-2"], Assert.Single(moved.Notes, n => n.Kind == StatusNoteKind.ShapeDiffers).Nodes.Order());
        Assert.False(moved.Healthy);
        var (statusExit, statusOutput) = await CliRunner.RunAsync(["status", "-e", topology.File, "--state-dir", topology.StateDir]);
        Assert.True(statusExit == 1, statusOutput);

        var back = await topology.Local().SwitchoverAsync("primary", CancellationToken.None);
        Report(back);
        Assert.True(back.Succeeded, Describe(back));
        AssertSteps(
            back,
            ("replica-2", NodeAction.StopWrites, null),
            ("primary", NodeAction.Promote, null),
            ("replica-1", NodeAction.ReplicateFrom, "primary"),
            ("replica-2", NodeAction.Rejoin, "replica-1"));
        AssertRejoined(back, "replica-2");
        await writer.WaitForMoreAsync(200, "primary");
        await writer.StopAsync();

        Assert.Empty(await writer.MissingOnAsync("primary"));
        foreach (var replica in new[] { "replica-1", "replica-2" })
        {
            await TestTopology.EventuallyAsync(async () => (await writer.MissingOnAsync(replica)).Count == 0, $"{replica} has every acknowledged write");
        }

        var restored = await topology.StatusAsync();
        Assert.All(restored.Nodes, n => Assert.Equal((int)n.ExpectedRole, (int?)n.Role));
        Assert.Equal("primary", restored.Node("replica-1").ReplicatingFrom);
        Assert.Equal("replica-1", restored.Node("replica-2").ReplicatingFrom);
        Assert.False(File.Exists(topology.State.TopologyFile), "back in the file's shape, nothing is recorded");
        sampler.AssertSampled(MinimumCompleteRounds);
        _output.WriteLine($"{writer.Acknowledged.Count} acknowledged writes; {sampler.Summary}");

        // A replica that replicates has nothing to rejoin: it is left running as it is.
        var replicaPid = topology.ServerPid("replica-2");
        var (rejoinExit, rejoinOutput) = await CliRunner.RunAsync(["rejoin", "-e", topology.File, "--state-dir", topology.StateDir, "replica-2"]);
        Assert.True(rejoinExit == 0, rejoinOutput);
        Assert.Contains("nothing to do", rejoinOutput, StringComparison.Ordinal);
        Assert.Equal(replicaPid, topology.ServerPid("replica-2"));
    }

    [Fact]
    public async Task Killed_primary_under_load_fails_over_is_fenced_and_comes_back_as_a_replica()
    {
        await using var topology = await TestTopology.StartAsync(_engine, $"{_name}-fo", SynchronousReplica);
        await using var writer = await BackgroundWriter.StartAsync(topology);
        await using var sampler = new WritableSampler(topology);
        await writer.WaitForMoreAsync(300, "primary");

        var pid = topology.ServerPid("primary");
        Libc.Kill(pid, Libc.SigKill);
        var outcome = await topology.Local().FailoverAsync(null, CancellationToken.None);
        Report(outcome);
        Assert.True(outcome.Succeeded, Describe(outcome));
        Assert.Equal("replica-1", outcome.NewPrimary);
        AssertSteps(outcome, ("primary", NodeAction.Fence, null), ("replica-1", NodeAction.Promote, null), ("replica-2", NodeAction.StillReplicateFrom, "replica-1"));
        await AssertFailoverLeftNoSettingsAsync(topology);
        await writer.WaitForMoreAsync(200, "replica-1");

        var lost = await writer.MissingOnAsync("replica-1");
        _output.WriteLine($"failover lost {lost.Count} of {writer.Acknowledged.Count} acknowledged writes ({(SynchronousReplica ? "synchronous" : "asynchronous")} replica)");
        if (SynchronousReplica)
        {
            Assert.Empty(lost);
        }

        // The fenced node stays down through 'up', and starts nowhere as a primary.
        var up = await topology.UpAsync();
        Assert.Contains(up.Nodes, n => n.Node == "primary" && n.Action == NodeUpAction.Fenced);
        Assert.False(Libc.ProcessExists(pid));

        // status says what to do about it; a physical backup is offered the replicas as they are now.
        var fencedStatus = await topology.StatusAsync();
        Assert.Equal(["primary"], fencedStatus.FencedNodes);
        Assert.Equal(["primary"], Assert.Single(fencedStatus.Notes, n => n.Kind == StatusNoteKind.Fenced).Nodes);
        var (physicalExit, physical) = await CliRunner.RunAsync(["backup", "-e", topology.File, "--state-dir", topology.StateDir, "--kind", "physical", "--node", "replica-1", "--out", Path.Combine(topology.Directory, "refused-backup")]);
        Assert.Equal(2, physicalExit);
        Assert.Contains("Name a replica with --node (replica-2)", physical, StringComparison.Ordinal);

        // Started by hand from its own files, bypassing the tool, it still takes no writes.
        await using (await topology.StartBypassingToolAsync("primary"))
        {
            await AssertRefusesWritesAsync(topology, "primary");
        }

        // A semi-synchronous MariaDB primary recovers in the replica role, discarding the commits
        // the kill caught waiting for an acknowledgement: nothing of its own is left to refuse.
        var rejoin = await topology.Local().RejoinAsync("primary", CancellationToken.None);
        Report(rejoin);
        Assert.True(rejoin.Succeeded, Describe(rejoin));
        AssertRejoined(rejoin, "primary");

        await writer.WaitForMoreAsync(200, "replica-1");
        var acknowledged = await writer.StopAsync();
        var status = await topology.StatusAsync();
        Assert.Equal(ObservedRole.Replica, status.Node("primary").Role);
        Assert.Equal("replica-1", status.Node("primary").ReplicatingFrom);
        Assert.Equal("replica-1", status.Node("replica-2").ReplicatingFrom);
        if (SynchronousReplica)
        {
            // The synchronous replica became the primary; the rejoined old primary took over its
            // duty, so a failover of replica-1 would lose nothing either (fault campaign, seed 21).
            Assert.True(status.Node("replica-1").ExpectsSynchronous, "replica-1, now the primary, expects a synchronous replica");
            await TestTopology.EventuallyAsync(
                async () => (await topology.StatusAsync()).Node("replica-1").Synchronous is { Waits: true, Acknowledging: 1 },
                "replica-1's commits wait for the rejoined primary's acknowledgement");
        }

        foreach (var node in new[] { "primary", "replica-2" })
        {
            await TestTopology.EventuallyAsync(async () => (await writer.MissingOnAsync(node)).Count == lost.Count, $"{node} has what replica-1 has");
        }

        sampler.AssertSampled(MinimumCompleteRounds);
        _output.WriteLine($"{acknowledged.Count} acknowledged writes; {sampler.Summary}");
    }

    [Fact]
    public async Task A_failover_interrupted_right_after_the_promotion_has_already_fenced_the_old_primary()
    {
        await using var topology = await TestTopology.StartAsync(_engine, $"{_name}-ff", SynchronousReplica);
        Libc.Kill(topology.ServerPid("primary"), Libc.SigKill);

        var interrupted = new LocalTopology(CompositionRoot.Open(topology.Environment, topology.StateDir, new FailAfterStep("replica-1", "promote")));
        await Assert.ThrowsAsync<InjectedFault>(() => interrupted.FailoverAsync(null, CancellationToken.None));

        var recorded = LiveShape.Load(topology.State);
        Assert.NotNull(recorded);
        Assert.True(recorded.Nodes["primary"].Fenced, "the record says the old primary is fenced");
        Assert.Equal("replica-1", recorded.Primary);
        var node = topology.Environment.Node("primary");
        if (_engine == EngineKind.Postgres)
        {
            Assert.True(File.Exists(Path.Combine(topology.State.DataDir(node), "standby.signal")), "standby.signal is in the old primary's data directory");
        }
        else
        {
            var options = await File.ReadAllLinesAsync(Path.Combine(topology.State.NodeDir(node), "my.cnf"));
            Assert.Contains("read_only = ON", options);
            Assert.Contains("skip-slave-start", options);
        }

        await using (await topology.StartBypassingToolAsync("primary"))
        {
            await AssertRefusesWritesAsync(topology, "primary");
        }

        var status = await topology.StatusAsync();
        Assert.Equal(ObservedRole.Primary, status.Node("replica-1").Role);
    }

    [Fact]
    public async Task A_fenced_primary_promoted_by_hand_is_a_split_brain_that_rejoin_refuses_and_rebuild_ends()
    {
        await using var topology = await TestTopology.StartAsync(_engine, $"{_name}-sb", SynchronousReplica);
        var args = new[] { "-e", topology.File, "--state-dir", topology.StateDir };
        Libc.Kill(topology.ServerPid("primary"), Libc.SigKill);
        var failover = await topology.Local().FailoverAsync(null, CancellationToken.None);
        Assert.True(failover.Succeeded, Describe(failover));

        // Someone starts the fenced node by hand, lifts its fence and writes to it.
        await topology.StartBypassingToolAsync("primary");
        await MakeWritableByHandAsync(topology, "primary");
        await using (var session = await topology.ConnectAsync("primary"))
        {
            // Its configuration still names the synchronous replica it had, which follows another primary now.
            if (_engine == EngineKind.Postgres)
            {
                await session.ExecuteAsync("SET synchronous_commit = local");
            }

            await session.ExecuteAsync("CREATE TABLE split_only (id int)");
        }

        var (statusExit, statusOutput) = await CliRunner.RunAsync(["status", .. args]);
        Assert.True(statusExit == 1, statusOutput);
        var splitStatus = await topology.StatusAsync();
        Assert.Equal(["primary", "replica-1"], Assert.Single(splitStatus.Notes, n => n.Kind == StatusNoteKind.SplitBrain).Nodes.Order());
        Assert.Equal(["primary"], splitStatus.FencedNodes);
        Assert.DoesNotContain(splitStatus.Notes, n => n.Kind == StatusNoteKind.Fenced);
        var (_, json) = await CliRunner.RunAsync(["status", .. args, "--json"]);
        using (var document = System.Text.Json.JsonDocument.Parse(json))
        {
            Assert.True(document.RootElement.GetProperty("splitBrain").GetBoolean());
            Assert.Equal(["primary", "replica-1"], document.RootElement.GetProperty("writableNodes").EnumerateArray().Select(e => e.GetString()!).Order());
        }

        await using (var metrics = new TopologyMetrics(CompositionRoot.Open(topology.Environment, topology.StateDir, SilentProgress.Instance)))
        {
            using var exported = new MemoryStream();
            await metrics.Registry.CollectAndExportAsTextAsync(exported);
            Assert.Contains($"orchestrator_writable_nodes{{environment=\"{topology.Environment.Name}\",engine=\"{_engine.ToText()}\"}} 2", System.Text.Encoding.UTF8.GetString(exported.ToArray()), StringComparison.Ordinal);
        }

        // Its own writes cannot be rewound onto the new primary's history (PostgreSQL: one
        // timeline number, two histories; MariaDB: GTIDs the new primary never received).
        var rejoin = await topology.Local().RejoinAsync("primary", CancellationToken.None);
        Report(rejoin);
        Assert.Equal(ChangeResult.Refused, rejoin.Changes.Single().Result);
        Assert.Equal(_engine == EngineKind.Postgres ? RejoinRefusalReason.SeparatePromotion : RejoinRefusalReason.TransactionsNotOnSource, rejoin.Changes.Single().RejoinRefusal);

        // Writable again (rejoin stopped it, or left it read-only), it is rebuilt under the
        // primary the failover chose, from the recorded fence.
        if (_engine == EngineKind.Postgres)
        {
            await topology.StartBypassingToolAsync("primary");
        }

        await MakeWritableByHandAsync(topology, "primary");
        Assert.True((await topology.StatusAsync()).SplitBrain, "two writable nodes before the rebuild");
        var rebuild = await topology.Local().RebuildAsync("primary", CancellationToken.None);
        Report(rebuild);
        Assert.True(rebuild.Succeeded, Describe(rebuild));
        var status = await topology.StatusAsync();
        Assert.False(status.SplitBrain);
        Assert.Equal("replica-1", status.Node("primary").ReplicatingFrom);
        Assert.False(await TableExistsAsync(topology, "primary", "split_only"), "the fenced node's own writes are gone");
    }

    [Fact]
    public async Task Replica_whose_data_directory_was_deleted_is_rebuilt_and_catches_up()
    {
        await using var topology = await TestTopology.StartAsync(_engine, $"{_name}-rb", SynchronousReplica);
        await using var writer = await BackgroundWriter.StartAsync(topology);
        await writer.WaitForMoreAsync(100);
        await DeleteUnderRunningServerAsync(topology.State.DataDir(topology.Environment.Node("replica-2")));
        await writer.WaitForMoreAsync(100);

        var primaryRefused = await topology.Local().RebuildAsync("primary", CancellationToken.None);
        AssertRefused(primaryRefused, RefusalReason.AlreadyPrimary, badInput: true);

        var rebuild = await topology.Local().RebuildAsync("replica-2", CancellationToken.None);
        Report(rebuild);
        Assert.True(rebuild.Succeeded, Describe(rebuild));
        AssertSteps(rebuild, ("replica-2", NodeAction.Clone, "replica-1"));
        await writer.WaitForMoreAsync(100);
        await writer.StopAsync();
        await TestTopology.EventuallyAsync(async () => (await writer.MissingOnAsync("replica-2")).Count == 0, "the rebuilt replica has every acknowledged write");
        Assert.Equal("replica-1", (await topology.StatusAsync()).Node("replica-2").ReplicatingFrom);
    }

    /// <summary>The server keeps writing files while they are deleted, so a pass can find a directory refilled.</summary>
    private static async Task DeleteUnderRunningServerAsync(string directory)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Enough rounds that heard every node to have seen two writable nodes had there been any (one round takes tens of milliseconds).</summary>
    private const int MinimumCompleteRounds = 20;

    /// <summary>What a person lifting a fence does: pg_promote(), or read_only off as root over the server's socket.</summary>
    private static async Task MakeWritableByHandAsync(TestTopology topology, string node)
    {
        if (topology.Engine == EngineKind.Postgres)
        {
            await using var session = await topology.ConnectAsync(node);
            if ((await session.QueryAsync("SELECT pg_is_in_recovery() AS r")).Single().GetBoolean("r") == true)
            {
                await session.ExecuteAsync("SELECT pg_promote()");
            }
        }
        else
        {
            var (host, hosting) = await topology.HostAsync();
            using (hosting)
            {
                var definition = topology.Environment.Node(node);
                var root = new ConnectionTarget(definition.Host, definition.Port, System.Environment.UserName, null, null, host.SocketForTool(definition, "mariadb.sock"));
                await using var session = await topology.EngineImpl.ConnectAsync(root, CancellationToken.None);
                await session.ExecuteAsync("STOP ALL SLAVES");
                await session.ExecuteAsync("SET GLOBAL read_only = OFF");
            }
        }

        await TestTopology.EventuallyAsync(async () => (await topology.StatusAsync()).Node(node).Role == ObservedRole.Primary, $"'{node}' accepts writes");
    }

    private static async Task<bool> TableExistsAsync(TestTopology topology, string node, string table)
    {
        await using var session = await topology.ConnectAsync(node);
        try
        {
            await session.QueryAsync($"SELECT 1 FROM {table} WHERE 1 = 0");
            return true;
        }
        catch (DatabaseException)
        {
            return false;
        }
    }

    private static async Task AssertRefusesWritesAsync(TestTopology topology, string node)
    {
        await using var session = await topology.ConnectAsync(node);
        Assert.False(await Writability.IsWritableAsync(session, topology.Engine), $"'{node}' says it accepts writes");
        var write = await Assert.ThrowsAsync<DatabaseException>(() => session.ExecuteAsync($"CREATE TABLE fence_probe_{Guid.NewGuid():N} (id int)"));
        Assert.Equal(topology.Engine == EngineKind.Postgres ? "25006" : "1290", write.Code);
        if (topology.Engine == EngineKind.MariaDb)
        {
            var replication = await session.QueryAsync("SHOW SLAVE STATUS");
            Assert.DoesNotContain(replication, r => r.GetString("Slave_IO_Running") == "Yes" || r.GetString("Slave_SQL_Running") == "Yes");
        }
    }

    private static void AssertRefused(RoleChangeOutcome outcome, RefusalReason reason, bool badInput)
    {
        Assert.NotNull(outcome.Refusal);
        Assert.Equal(reason, outcome.Refusal.Reason);
        Assert.Equal(badInput, outcome.Refusal.BadInput);
        Assert.False(outcome.Succeeded);
    }

    /// <summary>The node's rejoin was done the engine's way, with the figures it reported (pg_rewind, or a GTID demotion).</summary>
    private void AssertRejoined(RoleChangeOutcome outcome, string node)
    {
        var rejoined = outcome.Changes.Single(c => c.Node == node && c.Action == NodeAction.Rejoin).Rejoined;
        Assert.NotNull(rejoined);
        if (_engine == EngineKind.Postgres)
        {
            Assert.Contains(rejoined.Method, new[] { RejoinMethod.NoRewindRequired, RejoinMethod.Rewound });
        }
        else
        {
            Assert.Equal(RejoinMethod.Demoted, rejoined.Method);
            Assert.False(string.IsNullOrEmpty(rejoined.Position), "a demotion names the GTID position it continues from");
        }
    }

    /// <summary>The outcome holds these steps, done, in this order (others may come between).</summary>
    private static void AssertSteps(RoleChangeOutcome outcome, params (string Node, NodeAction Action, string? Peer)[] expected)
    {
        var index = 0;
        foreach (var (node, action, peer) in expected)
        {
            var found = outcome.Changes.Skip(index).Select((c, i) => (c, i)).FirstOrDefault(x => x.c.Node == node && x.c.Action == action);
            Assert.True(found.c is not null, $"no {action} of {node} after step {index}:\n{Describe(outcome)}");
            Assert.Equal(ChangeResult.Done, found.c.Result);
            if (peer is not null)
            {
                Assert.Equal(peer, found.c.Peer);
            }

            index += found.i + 1;
        }
    }

    private void Report(RoleChangeOutcome outcome)
    {
        _output.WriteLine(Describe(outcome));
        if (outcome.WriteRefusedWindow is { } window)
        {
            _output.WriteLine($"  writes refused for {window.TotalMilliseconds:0} ms");
        }
    }

    private static string Describe(RoleChangeOutcome outcome) =>
        $"{outcome.Operation}: {outcome.Refusal?.Reason} {outcome.Refusal?.Message}\n" + string.Join("\n", outcome.Changes.Select(c => $"  {c.Node}: {c.Text} {c.Result} {c.Detail}"));

    private protected sealed class InjectedFault() : Exception("fault injected between the steps of a role change");

    /// <summary>Fails the operation the moment <paramref name="node"/> reports <paramref name="step"/> finished: a crash right after that step.</summary>
    private protected sealed class FailAfterStep(string node, string step) : ITopologyProgress
    {
        public void Report(ProgressEvent progress)
        {
            if (progress.Node == node && progress.Message == step && progress.Kind == ProgressKind.Finished)
            {
                throw new InjectedFault();
            }
        }
    }
}
