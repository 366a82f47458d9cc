using System.Collections.Concurrent;
using Orchestrator.Environments;
using Orchestrator.Shards;

namespace Orchestrator.Tests.Shards;

/// <summary>The rollout's order, bound, stop and canary rules, with work that only records what it was asked to do.</summary>
public sealed class ShardRolloutTests
{
    private static readonly IReadOnlyList<EnvironmentDefinition> Fleet = ShardSelection.Select(
        TestEnvironments.FromYaml("name: fleet\nengine: postgres\ndatabase: app\nshards: { count: 6, name: 's{n}', port: 56100, nodes: [ { name: primary, role: primary } ] }\n"),
        []);

    [Fact]
    public void Waves_put_the_canaries_first_and_everything_in_one_wave_without_them()
    {
        var names = new[] { "a", "b", "c" };
        Assert.Equal([["a", "b", "c"]], ShardRollout.Waves(names, 0));
        Assert.Equal([["a"], ["b", "c"]], ShardRollout.Waves(names, 1));
        Assert.Equal([["a", "b", "c"]], ShardRollout.Waves(names, 3));
    }

    [Fact]
    public async Task Under_continue_every_shard_runs_and_at_most_parallel_run_at_once()
    {
        var running = 0;
        var most = 0;
        var runs = await ShardRollout.RunAsync(
            Fleet,
            new RolloutOptions(Parallel: 2, FailurePolicy.Continue),
            async (shard, _, _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Delay(30);
                Interlocked.Decrement(ref running);
                return new ShardWorkResult<string>(shard.ShardName == "s2" ? ShardRunState.Failed : ShardRunState.Succeeded, shard.ShardName!);
            },
            null,
            null,
            CancellationToken.None);

        Assert.Equal(2, most);
        Assert.Equal(["s1", "s2", "s3", "s4", "s5", "s6"], runs.Select(r => r.Shard));
        Assert.Equal([ShardRunState.Failed], runs.Where(r => r.State != ShardRunState.Succeeded).Select(r => r.State));
        Assert.All(runs, r => Assert.Equal(r.Shard, r.Result));
    }

    [Fact]
    public async Task Under_stop_no_shard_starts_after_a_failure_and_running_shards_are_asked_to_stop()
    {
        var started = new ConcurrentQueue<string>();
        using var s1Running = new SemaphoreSlim(0);
        var runs = await ShardRollout.RunAsync(
            Fleet,
            new RolloutOptions(Parallel: 2, FailurePolicy.Stop),
            async (shard, stopBefore, _) =>
            {
                started.Enqueue(shard.ShardName!);
                if (shard.ShardName == "s1")
                {
                    // A long shard: it finishes its step, then sees the request to stop.
                    s1Running.Release();
                    await Task.Delay(Timeout.Infinite, stopBefore).ContinueWith(_ => { }, TaskScheduler.Default);
                    return new ShardWorkResult<string>(ShardRunState.Stopped, "stopped");
                }

                await s1Running.WaitAsync();
                return new ShardWorkResult<string>(ShardRunState.Failed, "failed");
            },
            null,
            null,
            CancellationToken.None);

        Assert.Equal(["s1", "s2"], started.Order());
        Assert.Equal(ShardRunState.Stopped, runs[0].State);
        Assert.Equal(ShardRunState.Failed, runs[1].State);
        Assert.All(runs.Skip(2), r =>
        {
            Assert.Equal(ShardRunState.NotStarted, r.State);
            Assert.Contains("--on-failure stop", r.NotStartedBecause, StringComparison.Ordinal);
            Assert.Null(r.Result);
        });
    }

    [Fact]
    public async Task A_failed_canary_keeps_the_rest_from_starting_even_under_continue()
    {
        var started = new ConcurrentQueue<string>();
        var finished = new ConcurrentQueue<string>();
        var runs = await ShardRollout.RunAsync(
            Fleet,
            new RolloutOptions(Parallel: 4, FailurePolicy.Continue, Canary: 2),
            (shard, _, _) =>
            {
                started.Enqueue(shard.ShardName!);
                return Task.FromResult(new ShardWorkResult<int>(shard.ShardName == "s2" ? ShardRunState.Failed : ShardRunState.Succeeded, 1));
            },
            null,
            run => finished.Enqueue(run.Shard),
            CancellationToken.None);

        Assert.Equal(["s1", "s2"], started.Order());
        Assert.Equal(6, finished.Count);
        Assert.Equal([ShardRunState.Succeeded, ShardRunState.Failed], runs.Take(2).Select(r => r.State));
        Assert.All(runs.Skip(2), r => Assert.Contains("canary", r.NotStartedBecause, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Succeeding_canaries_let_the_rest_run()
    {
        var runs = await ShardRollout.RunAsync(
            Fleet,
            new RolloutOptions(Parallel: 3, FailurePolicy.Stop, Canary: 1),
            (_, _, _) => Task.FromResult(new ShardWorkResult<int>(ShardRunState.Succeeded, 0)),
            null,
            null,
            CancellationToken.None);

        Assert.All(runs, r => Assert.Equal(ShardRunState.Succeeded, r.State));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
