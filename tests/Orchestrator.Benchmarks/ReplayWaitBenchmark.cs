using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Topology;

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

    public static async Task<Result> RunAsync(EngineKind engine, string assembly, int migrations)
    {
        await using var alone = await BenchPrimary.StartAsync(engine);
        await using var replicated = await BenchPrimary.StartAsync(engine, replicas: 2);
        var (aloneTime, _) = await MigrateAsync(alone, assembly, migrations);
        var (replicatedTime, replayTime) = await MigrateAsync(replicated, assembly, migrations);
        return new Result(aloneTime, replicatedTime, replayTime, migrations);
    }

    private static async Task<(TimeSpan Elapsed, TimeSpan ReplayTime)> MigrateAsync(BenchPrimary primary, string assembly, int migrations)
    {
        const string Database = "bench_replay";
        await primary.CreateDatabaseAsync(Database);
        var environment = EnvironmentLoader.LoadOrThrow(await primary.EnvironmentForAsync(Database, assembly));
        await using var target = await MigrationTarget.OpenAsync(environment, primary.StateDir, SilentProgress.Instance, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var outcome = await target.Runner.MigrateAsync(target.Migrations, migrations, strict: false, CancellationToken.None);
        return (clock.Elapsed, outcome.ReplayWaits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait));
    }
}
