using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Composition;

namespace Orchestrator.Benchmarks;

/// <summary>
/// The cost of waiting for replay: N migrations on a primary with two replicas (waiting after
/// each one) against the same N on a primary alone, in the same run and process; and, as the
/// control, the same N on the replicated primary waiting once at the end.
/// </summary>
internal static class ReplayWaitBenchmark
{
    /// <summary>One migrate: its whole time, the part spent running migrations on the primary, and the part spent waiting for replicas.</summary>
    public sealed record Run(TimeSpan Elapsed, TimeSpan OnPrimary, TimeSpan ReplayTime)
    {
        /// <summary>Everything else: bookkeeping around the migrations and the waits.</summary>
        public TimeSpan Around => Elapsed - OnPrimary - ReplayTime;
    }

    public sealed record Result(Run Alone, Run Replicated, Run WaitingOnce, int Migrations)
    {
        /// <summary>What the waits themselves added per migration: beyond the replicas' replay and the primary's own work.</summary>
        public TimeSpan WaitOverheadPerMigration => (Replicated.Around - Alone.Around) / Migrations;

        /// <summary>Everything the replicas cost per migration beyond their replay, the primary's slowdown included.</summary>
        public TimeSpan AllBeyondReplayPerMigration => (Replicated.Elapsed - Alone.Elapsed - Replicated.ReplayTime) / Migrations;

        /// <summary>How much slower the primary ran each migration with replicas beside it, waiting after each.</summary>
        public TimeSpan PrimarySlowdownPerMigration => (Replicated.OnPrimary - Alone.OnPrimary) / Migrations;
    }

    public static async Task<Result> RunAsync(EngineKind engine, string assembly, int migrations, int rounds)
    {
        await using var alone = await BenchPrimary.StartAsync(engine);
        await using var replicated = await BenchPrimary.StartAsync(engine, replicas: 2);
        var results = new List<Result>();
        for (var round = 0; round < rounds; round++)
        {
            // Fresh databases each round; the three sides take turns going first.
            var database = $"bench_replay_{round}";
            var sides = new List<Func<Task<Run>>>
            {
                () => MigrateAsync(alone, database, assembly, migrations, waitOnce: false),
                () => MigrateAsync(replicated, database, assembly, migrations, waitOnce: false),
                () => MigrateAsync(replicated, $"{database}_once", assembly, migrations, waitOnce: true),
            };
            var runs = new Run[sides.Count];
            for (var i = 0; i < sides.Count; i++)
            {
                var side = (round + i) % sides.Count;
                runs[side] = await sides[side]();
            }

            results.Add(new Result(runs[0], runs[1], runs[2], migrations));
        }

        // The round with the median overhead, so its figures belong together.
        return results.OrderBy(r => r.WaitOverheadPerMigration).ElementAt(results.Count / 2);
    }

    private static async Task<Run> MigrateAsync(BenchPrimary primary, string database, string assembly, int migrations, bool waitOnce)
    {
        await primary.CreateDatabaseAsync(database);
        var file = await primary.EnvironmentForAsync(database, assembly);
        if (waitOnce)
        {
            await File.AppendAllTextAsync(file, "replication:\n  wait: per-run\n");
        }

        var environment = EnvironmentLoader.LoadOrThrow(file);
        await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(environment, primary.StateDir, SilentProgress.Instance), CancellationToken.None);
        var clock = Stopwatch.StartNew();
        // One round trip per migration on every side, so that the difference is the waiting alone.
        var outcome = await target.Runner.MigrateAsync(target.Project, new MigrateOptions { To = migrations, Together = false }, CancellationToken.None);
        var elapsed = clock.Elapsed;
        if (outcome.Ran.Count != migrations)
        {
            throw new InvalidOperationException($"the benchmark's migrate ran {outcome.Ran.Count} migrations, not {migrations}");
        }

        return new Run(elapsed, Sum(outcome.Ran.Select(r => r.Elapsed)), Sum(outcome.ReplayWaits));
    }

    private static TimeSpan Sum(IEnumerable<TimeSpan> times) => times.Aggregate(TimeSpan.Zero, (sum, time) => sum + time);
}
