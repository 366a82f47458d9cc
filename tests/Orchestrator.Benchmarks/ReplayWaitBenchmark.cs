using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Composition;

namespace Orchestrator.Benchmarks;

/// <summary>
/// The cost of waiting for replay: N migrations on a primary with two replicas (waiting after
/// each one) against the same N on a primary alone, in the same run and process.
/// </summary>
internal static class ReplayWaitBenchmark
{
    public sealed record Result(TimeSpan Alone, TimeSpan Replicated, TimeSpan ReplayTime, int Migrations)
    {
        /// <summary>What waiting added per migration beyond the time the replicas took to replay it.</summary>
        public TimeSpan OverheadPerMigration => (Replicated - Alone - ReplayTime) / Migrations;
    }

    public static async Task<Result> RunAsync(EngineKind engine, string assembly, int migrations, int rounds)
    {
        await using var alone = await BenchPrimary.StartAsync(engine);
        await using var replicated = await BenchPrimary.StartAsync(engine, replicas: 2);
        var results = new List<Result>();
        for (var round = 0; round < rounds; round++)
        {
            // Fresh databases each round; alternate which side goes first.
            var database = $"bench_replay_{round}";
            var first = round % 2 == 0 ? alone : replicated;
            var second = round % 2 == 0 ? replicated : alone;
            var a = await MigrateAsync(first, database, assembly, migrations);
            var b = await MigrateAsync(second, database, assembly, migrations);
            var (aloneRun, replicatedRun) = round % 2 == 0 ? (a, b) : (b, a);
            results.Add(new Result(aloneRun.Elapsed, replicatedRun.Elapsed, replicatedRun.ReplayTime, migrations));
        }

        // The round with the median overhead, so its three figures belong together.
        return results.OrderBy(r => r.OverheadPerMigration).ElementAt(results.Count / 2);
    }

    private static async Task<(TimeSpan Elapsed, TimeSpan ReplayTime)> MigrateAsync(BenchPrimary primary, string database, string assembly, int migrations)
    {
        await primary.CreateDatabaseAsync(database);
        var environment = EnvironmentLoader.LoadOrThrow(await primary.EnvironmentForAsync(database, assembly));
        await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(environment, primary.StateDir, SilentProgress.Instance), CancellationToken.None);
        var clock = Stopwatch.StartNew();
        // One round trip per migration on both sides, so that the difference is the waiting alone.
        var outcome = await target.Runner.MigrateAsync(target.Project, new MigrateOptions { To = migrations, Together = false }, CancellationToken.None);
        return (clock.Elapsed, outcome.ReplayWaits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait));
    }
}
