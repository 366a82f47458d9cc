using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Context;

namespace Orchestrator.Shards;

/// <summary>One shard's migrate or rollback: the version it is at afterwards, how many migrations ran, its replicas' replay, and why it failed.</summary>
internal sealed record ShardMigrationResult(long? Version, int Ran, IReadOnlyList<ReplicaReplay> Replicas, Exception? Failure)
{
    /// <summary>False when the version could not be read (the primary did not answer): then <see cref="Version"/> is unknown, not "none applied".</summary>
    public bool VersionKnown { get; init; } = true;

    /// <summary>Stopped before its pending migrations were all applied, because another shard failed.</summary>
    public bool Stopped { get; init; }
}

/// <summary>One shard's plan: the version it is at and how many migrations are pending.</summary>
internal sealed record ShardPlanResult(long? Version, int Pending, int Warnings, Exception? Failure);

/// <summary>
/// Migrations across the shards of an environment: the migrations are loaded once, and each shard
/// is migrated as a single environment is (its own lock, its primary found from the servers, every
/// replica waited for), under a <see cref="ShardRollout"/>.
/// </summary>
/// <param name="fleet">The sharded environment; each shard is worked on as an environment of its own, with the same engine.</param>
internal sealed class FleetMigrations(MigrationProject project, EnvironmentContext fleet, Func<EnvironmentDefinition, ITopologyProgress> progressFor)
{
    public Action<EnvironmentDefinition>? Started { get; init; }

    public Task<IReadOnlyList<ShardRun<ShardMigrationResult>>> MigrateAsync(
        IReadOnlyList<EnvironmentDefinition> shards, MigrateOptions options, RolloutOptions rollout, Action<ShardRun<ShardMigrationResult>>? finished, CancellationToken cancellationToken) =>
        ShardRollout.RunAsync(
            shards,
            rollout,
            (shard, stopBefore, token) => RunAsync(shard, target => target.Runner.MigrateAsync(project, options with { StopBefore = stopBefore }, token), token),
            Started,
            finished,
            cancellationToken);

    public Task<IReadOnlyList<ShardRun<ShardMigrationResult>>> RollbackAsync(
        IReadOnlyList<EnvironmentDefinition> shards, long to, RolloutOptions rollout, Action<ShardRun<ShardMigrationResult>>? finished, CancellationToken cancellationToken) =>
        ShardRollout.RunAsync(
            shards,
            rollout,
            (shard, _, token) => RunAsync(shard, target => target.Runner.RollbackAsync(project, to, token), token),
            Started,
            finished,
            cancellationToken);

    public Task<IReadOnlyList<ShardRun<ShardPlanResult>>> PlanAsync(IReadOnlyList<EnvironmentDefinition> shards, long? to, int parallel, CancellationToken cancellationToken) =>
        ShardRollout.RunAsync(
            shards,
            new RolloutOptions(parallel, FailurePolicy.Continue),
            async (shard, _, token) =>
            {
                try
                {
                    await using var target = await MigrationTarget.OpenAsync(fleet.With(shard, fleet.StateDir, progressFor(shard)), project, token);
                    var plan = await target.Runner.PlanAsync(project, to, token);
                    var version = plan.Applied.Select(a => (long?)a.Version).Max();
                    return new ShardWorkResult<ShardPlanResult>(ShardRunState.Succeeded, new ShardPlanResult(version, plan.Steps.Count, plan.Warnings.Count, null));
                }
                catch (Exception e) when (!IsCancellation(e, token))
                {
                    return new ShardWorkResult<ShardPlanResult>(ShardRunState.Failed, new ShardPlanResult(null, 0, 0, e));
                }
            },
            null,
            null,
            cancellationToken);

    /// <summary>Shards that sit at different versions, as "version: shards" groups; empty when they agree (or none could be read).</summary>
    public static IReadOnlyList<(long? Version, IReadOnlyList<string> Shards)> VersionGroups(IReadOnlyList<ShardRun<ShardPlanResult>> runs)
    {
        var groups = runs.Where(r => r.State == ShardRunState.Succeeded)
            .GroupBy(r => r.Result!.Version)
            .OrderBy(g => g.Key ?? -1)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(r => r.Shard).ToList()))
            .ToList();
        return groups.Count > 1 ? groups : [];
    }

    private async Task<ShardWorkResult<ShardMigrationResult>> RunAsync(EnvironmentDefinition shard, Func<MigrationTarget, Task<MigrationRunOutcome>> run, CancellationToken cancellationToken)
    {
        MigrationTarget? target = null;
        (bool Known, long? Version) before = (false, null);
        try
        {
            target = await MigrationTarget.OpenAsync(fleet.With(shard, fleet.StateDir, progressFor(shard)), project, cancellationToken);
            before = await TryReadVersionAsync(target, cancellationToken);
            var outcome = await run(target);
            var (known, version) = await TryReadVersionAsync(target, cancellationToken);
            var result = new ShardMigrationResult(version, outcome.Ran.Count, outcome.Replicas, null) { Stopped = outcome.Stopped, VersionKnown = known };
            return new ShardWorkResult<ShardMigrationResult>(outcome.Stopped ? ShardRunState.Stopped : ShardRunState.Succeeded, result);
        }
        catch (Exception e) when (!IsCancellation(e, cancellationToken))
        {
            // Where it stopped, if the primary still answers.
            var (known, version) = target is null ? (false, null) : await TryReadVersionAsync(target, cancellationToken);
            var ran = known && before.Known ? RanBetween(before.Version, version) : 0;
            return new ShardWorkResult<ShardMigrationResult>(ShardRunState.Failed, new ShardMigrationResult(version, ran, [], e) { VersionKnown = known });
        }
        finally
        {
            if (target is not null)
            {
                await target.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The version before or after a run, outside the run's lock; not known when it cannot be read,
    /// such as while another runner is still creating the version table (MariaDB creates it in
    /// steps) or when the primary stopped answering.
    /// </summary>
    private static async Task<(bool Known, long? Version)> TryReadVersionAsync(MigrationTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return (true, await target.ReadVersionAsync(cancellationToken));
        }
        catch (Exception e) when (!IsCancellation(e, cancellationToken))
        {
            return (false, null);
        }
    }

    /// <summary>How many of the project's migrations lie between two versions: what a failed run still applied (or rolled back).</summary>
    private int RanBetween(long? before, long? after)
    {
        var (low, high) = (Math.Min(before ?? -1, after ?? -1), Math.Max(before ?? -1, after ?? -1));
        return project.Migrations.Count(m => m.Version > low && m.Version <= high);
    }

    private static bool IsCancellation(Exception e, CancellationToken cancellationToken) => e is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
