using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Topology;

namespace Orchestrator.IntegrationTests.RoleChanges;

/// <summary>
/// A semi-synchronous replica that connects to its primary by GTID already holding the commits
/// the primary waits on (it got them through the asynchronous replica, as after a switchover cut
/// short): MariaDB 10.11 never counts them acknowledged, and every later commit queues behind
/// them. Without the tool's mending, the primary takes no writes again.
/// </summary>
public sealed class MariaDbMissedAcknowledgementTests
{
    private const int Writers = 4;

    [Fact]
    public async Task A_replica_holding_the_waiting_commits_acknowledges_them_when_rejoined_and_status_reports_the_stall_that_up_mends()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.MariaDb, "it-mdb-missack", syncReplica: true);
        await using (var primary = await topology.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync("CREATE TABLE held (id int PRIMARY KEY)");
        }

        // rejoin points the replica back at its primary, as the campaign's recovery did.
        var first = await HoldCommitsThroughTheOtherReplicaAsync(topology, 1);
        var rejoin = await topology.Local().RejoinAsync("replica-1", CancellationToken.None);
        Assert.True(rejoin.Succeeded, rejoin.Refusal?.Message);
        await first.CompleteAsync();

        // Pointed back by hand, the stall shows in status, and up mends it.
        var second = await HoldCommitsThroughTheOtherReplicaAsync(topology, 100);
        await using (var replica = await topology.ConnectAsync("replica-1"))
        {
            await PointAtAsync(replica, Port(topology, "primary"));
        }

        await TestTopology.EventuallyAsync(async () => (await topology.StatusAsync()).Node("primary").CommitsStalled, "status sees the commits stalled with the replica connected");
        Assert.False(second.AnyCompleted, "the held commits stay held until the replica is reconnected");
        var stalled = await topology.StatusAsync();
        Assert.Contains(stalled.Notes, n => n.Kind == StatusNoteKind.CommitsStalled && n.Nodes.SequenceEqual(["primary"]));
        var (exit, text) = await CliRunner.RunAsync("status", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(exit == 1, text);
        Assert.Contains("stalled", text, StringComparison.Ordinal);
        await MariaDbRoleChangeTests.AssertMetricAsync(topology, "orchestrator_commits_stalled", 1);

        await topology.UpAsync();
        await second.CompleteAsync();
        await TestTopology.EventuallyAsync(async () => (await topology.StatusAsync()).Healthy, "healthy once the commits were acknowledged");
        await MariaDbRoleChangeTests.AssertMetricAsync(topology, "orchestrator_commits_stalled", 0);

        // The replica follows by GTID again (failover needs it) and holds every row.
        await using var follower = await topology.ConnectAsync("replica-1");
        var replication = (await follower.QueryAsync("SHOW SLAVE STATUS")).Single();
        Assert.Equal(("Slave_Pos", Port(topology, "primary")), (replication.GetString("Using_Gtid"), (int)replication.GetInt64("Master_Port")!.Value));
        await using (var primary = await topology.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync("INSERT INTO held (id) VALUES (1000)");
            var position = (await primary.QueryAsync("SELECT @@gtid_binlog_pos AS pos")).Single().GetString("pos");
            Assert.Equal(0, (await follower.QueryAsync("SELECT MASTER_GTID_WAIT(?, 30) AS waited", [position])).Single().GetInt64("waited"));
        }

        Assert.Equal(2 * (Writers + 1) + 1, (await follower.QueryAsync("SELECT COUNT(*) AS n FROM held")).Single().GetInt64("n"));

        // A replica a cut-short mending left following by file and position is put back to GTID by up.
        await follower.ExecuteAsync("STOP SLAVE");
        await follower.ExecuteAsync("CHANGE MASTER TO MASTER_USE_GTID = no");
        await follower.ExecuteAsync("START SLAVE");
        await topology.UpAsync();
        Assert.Equal("Slave_Pos", (await follower.QueryAsync("SHOW SLAVE STATUS")).Single().GetString("Using_Gtid"));
    }

    private static int Port(TestTopology topology, string node) => topology.Environment.Nodes.Single(n => n.Name == node).Port;

    /// <summary>
    /// Commits on the primary wait while replica-1 is stopped; replica-1 then takes them from
    /// replica-2 (made an asynchronous replica of the primary meanwhile, it has them) and stops
    /// again, holding what the primary waits on. replica-2 goes back to following replica-1, and
    /// one more commit queues behind the others.
    /// </summary>
    private static async Task<HeldCommits> HoldCommitsThroughTheOtherReplicaAsync(TestTopology topology, int firstId)
    {
        await using var other = await topology.ConnectAsync("replica-2");
        await PointAtAsync(other, Port(topology, "primary"));
        await using (var replica = await topology.ConnectAsync("replica-1"))
        {
            await replica.ExecuteAsync("STOP SLAVE");
        }

        var held = new HeldCommits();
        for (var id = firstId; id < firstId + Writers; id++)
        {
            await held.StartAsync(topology, id);
        }

        await TestTopology.EventuallyAsync(async () => (await topology.StatusAsync()).Node("primary").CommitsStuck, "the commits wait for an acknowledgement");
        string position;
        await using (var primary = await topology.ConnectAsync("primary"))
        {
            position = (await primary.QueryAsync("SELECT @@gtid_binlog_pos AS pos")).Single().GetString("pos")!;
        }

        Assert.Equal(0, (await other.QueryAsync("SELECT MASTER_GTID_WAIT(?, 30) AS waited", [position])).Single().GetInt64("waited"));
        await using (var replica = await topology.ConnectAsync("replica-1"))
        {
            await PointAtAsync(replica, Port(topology, "replica-2"));
            Assert.Equal(0, (await replica.QueryAsync("SELECT MASTER_GTID_WAIT(?, 30) AS waited", [position])).Single().GetInt64("waited"));
            await replica.ExecuteAsync("STOP SLAVE");
        }

        await PointAtAsync(other, Port(topology, "replica-1"));

        await held.StartAsync(topology, firstId + Writers);
        Assert.False(held.AnyCompleted, "the primary's commits wait while its semi-synchronous replica is away");
        return held;
    }

    private static async Task PointAtAsync(IDbSession replica, int port)
    {
        await replica.ExecuteAsync("STOP SLAVE");
        await replica.ExecuteAsync("CHANGE MASTER TO MASTER_PORT = ?", [port]);
        await replica.ExecuteAsync("START SLAVE");
    }

    /// <summary>Inserts on sessions of their own, each waiting for its commit.</summary>
    private sealed class HeldCommits
    {
        private readonly List<(IDbSession Session, Task Insert)> _inserts = [];

        public bool AnyCompleted => _inserts.Any(i => i.Insert.IsCompleted);

        public async Task StartAsync(TestTopology topology, int id)
        {
            var session = await topology.ConnectAsync("primary");
            _inserts.Add((session, session.ExecuteAsync("INSERT INTO held (id) VALUES (?)", [id])));
        }

        /// <summary>Every insert commits (none fails) within 30 s; the sessions close.</summary>
        public async Task CompleteAsync()
        {
            await Task.WhenAll(_inserts.Select(i => i.Insert)).WaitAsync(TimeSpan.FromSeconds(30));
            foreach (var (session, _) in _inserts)
            {
                await session.DisposeAsync();
            }
        }
    }
}
