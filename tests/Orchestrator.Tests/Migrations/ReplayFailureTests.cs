using Orchestrator.Migrations.Running;

namespace Orchestrator.Tests.Migrations;

/// <summary>How a replica's failure to confirm a migration reads in the lag report.</summary>
public sealed class ReplayFailureTests
{
    [Fact]
    public void Each_kind_reads_with_what_was_waited_for()
    {
        Assert.Equal(
            "did not replay position 0/3000148 within 30 s (lagging or not replicating)",
            new ReplayFailure(ReplayFailureKind.NotReplayedInTime, "replica-1", "0/3000148") { Timeout = TimeSpan.FromSeconds(30) }.Detail);
        Assert.Equal(
            "replayed position 0-1-7 but shows no version row 1002",
            new ReplayFailure(ReplayFailureKind.NoVersionRow, "replica-1", "0-1-7") { Version = 1002 }.Detail);
        Assert.Equal(
            "unreachable: Connection refused",
            new ReplayFailure(ReplayFailureKind.Unreachable, "replica-2", "0/3000148") { Error = "Connection refused" }.Detail);
    }

    [Fact]
    public void A_replica_replayed_exactly_when_it_has_no_failure()
    {
        Assert.True(new ReplicaReplay("replica-1", TimeSpan.FromMilliseconds(3), null).Replayed);
        Assert.False(new ReplicaReplay("replica-2", TimeSpan.Zero, new ReplayFailure(ReplayFailureKind.Unreachable, "replica-2", "0/1")).Replayed);
    }
}
