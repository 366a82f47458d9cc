using System.Collections.Concurrent;
using System.Diagnostics;
using Orchestrator.Environments;

namespace Orchestrator.Shards;

/// <summary>What a rollout does when a shard fails.</summary>
internal enum FailurePolicy
{
    /// <summary>No shard starts after the first failure; running shards stop before their next migration.</summary>
    Stop,

    /// <summary>Every shard runs; the failures are reported at the end.</summary>
    Continue,
}

/// <summary>How a shard's part of a rollout ended.</summary>
internal enum ShardRunState
{
    Succeeded,
    Failed,

    /// <summary>Started, and stopped early because another shard failed (<see cref="FailurePolicy.Stop"/>).</summary>
    Stopped,

    NotStarted,
}

/// <summary>How a fleet of shards is worked through: at most Parallel at once, the first Canary shards before all others.</summary>
internal sealed record RolloutOptions(int Parallel, FailurePolicy OnFailure = FailurePolicy.Stop, int Canary = 0)
{
    /// <summary>Database work waits on the network and the servers more than on this machine's cores.</summary>
    public static int DefaultParallel => Math.Clamp(Environment.ProcessorCount * 2, 2, 16);
}

/// <summary>What one shard's work reports: how it ended, and what the command shows for it.</summary>
internal sealed record ShardWorkResult<T>(ShardRunState State, T Result);

/// <summary>One shard's row of a rollout; Result is default when the shard never started.</summary>
internal sealed record ShardRun<T>(string Shard, ShardRunState State, T? Result, TimeSpan Elapsed)
{
    /// <summary>Why a shard did not start: a failure elsewhere under stop, or a failed canary.</summary>
    public string? NotStartedBecause { get; init; }
}

/// <summary>
/// Runs a piece of work on each shard, in the file's order, bounded in parallel: the canaries first
/// and the rest only if every canary succeeded; under <see cref="FailurePolicy.Stop"/>, the first
/// failure keeps every later shard from starting and asks running ones to stop before their next step.
/// </summary>
internal static class ShardRollout
{
    /// <summary>The waves of a rollout: the first <paramref name="canary"/> shards, then the rest (one wave without canaries).</summary>
    public static IReadOnlyList<IReadOnlyList<T>> Waves<T>(IReadOnlyList<T> shards, int canary) =>
        canary <= 0 || canary >= shards.Count ? [shards] : [shards.Take(canary).ToList(), shards.Skip(canary).ToList()];

    /// <param name="work">The shard's work; the token it gets first is cancelled when it should stop before its next step.</param>
    /// <param name="started">Told as each shard starts (for progress).</param>
    /// <param name="finished">Told as each shard finishes or is skipped (for progress).</param>
    public static async Task<IReadOnlyList<ShardRun<T>>> RunAsync<T>(
        IReadOnlyList<EnvironmentDefinition> shards,
        RolloutOptions options,
        Func<EnvironmentDefinition, CancellationToken, CancellationToken, Task<ShardWorkResult<T>>> work,
        Action<EnvironmentDefinition>? started,
        Action<ShardRun<T>>? finished,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallel, 1);
        using var stop = new CancellationTokenSource();
        var runs = new ConcurrentDictionary<EnvironmentDefinition, ShardRun<T>>();
        string? skipReason = null;
        void Skip(EnvironmentDefinition shard, string reason)
        {
            var run = new ShardRun<T>(NameOf(shard), ShardRunState.NotStarted, default, TimeSpan.Zero) { NotStartedBecause = reason };
            runs[shard] = run;
            finished?.Invoke(run);
        }

        var waves = Waves(shards, options.Canary);
        for (var wave = 0; wave < waves.Count; wave++)
        {
            if (skipReason is not null)
            {
                foreach (var shard in waves[wave])
                {
                    Skip(shard, skipReason);
                }

                continue;
            }

            var queue = new ConcurrentQueue<EnvironmentDefinition>(waves[wave]);
            async Task WorkerAsync()
            {
                while (queue.TryDequeue(out var shard))
                {
                    if (stop.IsCancellationRequested)
                    {
                        Skip(shard, "another shard failed (--on-failure stop)");
                        continue;
                    }

                    started?.Invoke(shard);
                    var clock = Stopwatch.StartNew();
                    var result = await work(shard, stop.Token, cancellationToken);
                    var run = new ShardRun<T>(NameOf(shard), result.State, result.Result, clock.Elapsed);
                    runs[shard] = run;
                    if (result.State == ShardRunState.Failed && options.OnFailure == FailurePolicy.Stop)
                    {
                        await stop.CancelAsync();
                    }

                    finished?.Invoke(run);
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Min(options.Parallel, waves[wave].Count)).Select(_ => Task.Run(WorkerAsync, cancellationToken)));
            var isCanaryWave = waves.Count > 1 && wave == 0;
            if (isCanaryWave && waves[wave].Any(s => runs[s].State != ShardRunState.Succeeded))
            {
                skipReason = "a canary shard failed (--canary)";
            }
            else if (stop.IsCancellationRequested)
            {
                skipReason = "another shard failed (--on-failure stop)";
            }
        }

        return shards.Select(s => runs[s]).ToList();
    }

    public static string NameOf(EnvironmentDefinition shard) => shard.ShardName ?? shard.Name;
}
