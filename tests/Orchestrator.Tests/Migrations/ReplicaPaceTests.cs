using Orchestrator.Migrations.Running;

namespace Orchestrator.Tests.Migrations;

/// <summary>How an online copy decides, from the heartbeats replicas show, whether a chunk may go and how long it may take.</summary>
public sealed class ReplicaPaceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan ChunkTime = TimeSpan.FromMilliseconds(500);

    private static TimeSpan Seconds(double value) => TimeSpan.FromSeconds(value);

    [Fact]
    public void A_replica_that_shows_the_last_chunk_never_holds_the_next()
    {
        var pace = new ReplicaPace(Limit, ChunkTime);
        pace.Committed(1, Seconds(10), Seconds(0.5));
        Assert.Null(pace.WhyWait("replica-1", 1, Seconds(10.4)));
        Assert.Equal(ChunkTime, pace.ChunkBudget);
        pace.Committed(2, Seconds(11), Seconds(0.5));
        Assert.Null(pace.WhyWait("replica-1", 2, Seconds(11.4)));
    }

    [Fact]
    public void A_chunk_goes_while_the_lag_plus_its_replay_stays_within_the_limit()
    {
        var pace = new ReplicaPace(Limit, ChunkTime);
        pace.Committed(1, Seconds(10), Seconds(0.5));
        // Not shown yet, 0.9 s after it committed: 0.9 + 0.5 of replay fits in 1.5.
        Assert.Null(pace.WhyWait("replica-1", 0, Seconds(10.9)));
        var why = pace.WhyWait("replica-1", 0, Seconds(11.1));
        Assert.NotNull(why);
        Assert.Contains("replica-1 is 1.1 s behind", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_slower_than_the_primary_gets_shorter_chunks_and_waits_sooner()
    {
        var pace = new ReplicaPace(Limit, ChunkTime);
        pace.Committed(1, Seconds(10), Seconds(0.5));
        // Shown 1.5 s after a 0.5 s chunk committed: this replica takes three times as long.
        Assert.Null(pace.WhyWait("replica-2", 1, Seconds(11.5)));
        Assert.Equal(Seconds(0.25), pace.ChunkBudget);
        pace.Committed(2, Seconds(12), Seconds(0.25));
        // 0.75 s of replay expected: at 0.8 s behind the next chunk waits, at 0.7 s it goes.
        Assert.Null(pace.WhyWait("replica-2", 1, Seconds(12.7)));
        Assert.NotNull(pace.WhyWait("replica-2", 1, Seconds(12.8)));
    }

    [Fact]
    public void Chunks_a_slow_replica_has_not_shown_yet_count_against_the_next()
    {
        var pace = new ReplicaPace(Limit, ChunkTime);
        pace.Committed(1, Seconds(10), Seconds(0.5));
        Assert.Null(pace.WhyWait("replica-2", 1, Seconds(11.5))); // ratio 3: 0.25 s chunks replay in 0.75 s
        pace.Committed(2, Seconds(12), Seconds(0.25));
        Assert.Null(pace.WhyWait("replica-2", 1, Seconds(12)));
        pace.Committed(3, Seconds(12.3), Seconds(0.25));
        // Only 0.3 s behind, but chunks 2 and 3 keep it busy until 13.5: a fourth would show at 14.3, 1.7 s after it committed.
        Assert.NotNull(pace.WhyWait("replica-2", 1, Seconds(12.3)));
        // Once it shows chunk 2 (by 12.8), chunk 3 is done by 13.05 and the next may go.
        Assert.Null(pace.WhyWait("replica-2", 2, Seconds(12.8)));
    }

    [Fact]
    public void A_replica_that_speeds_up_earns_longer_chunks_back_by_halves()
    {
        var pace = new ReplicaPace(Limit, ChunkTime);
        pace.Committed(1, Seconds(10), Seconds(0.5));
        pace.WhyWait("replica-1", 1, Seconds(12)); // ratio 4
        Assert.Equal(Seconds(0.1875), pace.ChunkBudget);
        pace.Committed(2, Seconds(13), Seconds(0.2));
        pace.WhyWait("replica-1", 2, Seconds(13.2)); // ratio 1: (4 + 1) / 2
        Assert.Equal(Seconds(0.3), pace.ChunkBudget);
    }

    [Fact]
    public void A_resumed_copy_counts_a_replica_behind_the_earlier_run_from_its_own_start()
    {
        var pace = new ReplicaPace(Limit, ChunkTime);
        pace.Begin(40);
        Assert.Null(pace.WhyWait("replica-1", 40, Seconds(5)));
        Assert.Null(pace.WhyWait("replica-2", 38, Seconds(0.5)));
        Assert.NotNull(pace.WhyWait("replica-2", 38, Seconds(1.1)));
        Assert.NotNull(pace.WhyWait("replica-3", null, Seconds(1.1)));
    }
}
