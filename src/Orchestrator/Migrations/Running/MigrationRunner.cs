using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Migrations.Generation;
using Orchestrator.Topology;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Applies and rolls back migrations on one database, written once for every engine.
/// Each run holds the database's migration lock, reads the version table only once the lock
/// is held, plans (generates and checks every statement) before executing anything, and runs
/// each migration in its own transaction together with its version row where the engine and
/// the migration allow.
/// </summary>
public sealed class MigrationRunner(IDbSession session, IMigrationStore store, SqlGenerator generator, string database, string appliedFrom, ITopologyProgress progress)
{
    private const string Subject = "migrations";

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>What migrate would do, read without the lock and without changing anything.</summary>
    public async Task<MigrationPlan> PlanAsync(IReadOnlyList<MigrationInfo> migrations, long? to, CancellationToken cancellationToken) =>
        MigrationPlanner.Up(migrations, await store.ReadAppliedAsync(session, cancellationToken), to, generator);

    public Task<MigrationRunOutcome> MigrateAsync(IReadOnlyList<MigrationInfo> migrations, long? to, bool strict, CancellationToken cancellationToken) =>
        UnderLockAsync(async () =>
        {
            var plan = MigrationPlanner.Up(migrations, await store.ReadAppliedAsync(session, cancellationToken), to, generator);
            if (plan.ChangedSinceApplied.Count > 0)
            {
                var names = string.Join(", ", plan.ChangedSinceApplied.Select(m => m.Name));
                if (strict)
                {
                    throw new ChecksumMismatchException($"applied migrations changed since they were applied: {names}; their SQL no longer matches the recorded checksum (--strict)");
                }

                progress.Report(new ProgressEvent(Subject, $"warning: applied migrations changed since they were applied: {names}", ProgressKind.Info));
            }

            await store.EnsureTablesAsync(session, cancellationToken);
            var ran = new List<(PlannedMigration, TimeSpan)>();
            foreach (var step in plan.Steps)
            {
                ran.Add((step, await RunStepAsync(step, up: true, cancellationToken)));
            }

            return new MigrationRunOutcome(ran, plan.ChangedSinceApplied);
        }, cancellationToken);

    public Task<MigrationRunOutcome> RollbackAsync(IReadOnlyList<MigrationInfo> migrations, long to, CancellationToken cancellationToken) =>
        UnderLockAsync(async () =>
        {
            var plan = MigrationPlanner.Down(migrations, await store.ReadAppliedAsync(session, cancellationToken), to, generator);
            var ran = new List<(PlannedMigration, TimeSpan)>();
            foreach (var step in plan.Steps)
            {
                ran.Add((step, await RunStepAsync(step, up: false, cancellationToken)));
            }

            return new MigrationRunOutcome(ran, []);
        }, cancellationToken);

    private async Task<T> UnderLockAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var announced = false;
        while (!await store.TryLockAsync(session, database, cancellationToken))
        {
            if (!announced)
            {
                var holder = await store.LockHolderAsync(session, database, cancellationToken);
                progress.Report(new ProgressEvent(Subject, $"waiting for the migration lock on '{database}' (held by {holder ?? "another runner"})", ProgressKind.Info));
                announced = true;
            }

            if (clock.Elapsed > LockTimeout)
            {
                throw new MigrationFailedException($"gave up waiting for the migration lock on '{database}' after {LockTimeout.TotalMinutes:0} minutes; is another migrate stuck?", new TimeoutException());
            }

            // Polling, not a blocking lock call: a runner blocked inside a statement would keep a
            // transaction open that CREATE INDEX CONCURRENTLY on the lock holder waits for.
            await Task.Delay(TimeSpan.FromMilliseconds(50 + Random.Shared.Next(100)), cancellationToken);
        }

        try
        {
            return await work();
        }
        finally
        {
            await store.UnlockAsync(session, database, CancellationToken.None);
        }
    }

    private async Task<TimeSpan> RunStepAsync(PlannedMigration step, bool up, CancellationToken cancellationToken)
    {
        var migration = step.Migration;
        var label = $"{(up ? "apply" : "roll back")} {migration.Name}{(step.OutOfOrder ? " (out of order)" : "")}";
        var clock = Stopwatch.StartNew();
        var transactional = migration.TransactionBehavior == TransactionBehavior.Default;
        await progress.StepAsync(Subject, label, async () =>
        {
            if (transactional)
            {
                await session.ExecuteAsync(store.BeginTransactionSql, cancellationToken: cancellationToken);
            }

            for (var i = 0; i < step.Statements.Count; i++)
            {
                try
                {
                    await session.ExecuteAsync(step.Statements[i], cancellationToken: cancellationToken);
                }
                catch (DatabaseException e)
                {
                    if (transactional)
                    {
                        await session.ExecuteAsync("ROLLBACK", cancellationToken: CancellationToken.None);
                    }

                    throw new MigrationFailedException(FailureReport.Describe(step, i, e, up, transactional, store.TransactionalDdl), e);
                }
            }

            if (up)
            {
                await store.RecordAsync(
                    session,
                    new AppliedMigration(migration.Version, null, migration.Description, step.Checksum, (long)clock.Elapsed.TotalMilliseconds, appliedFrom),
                    cancellationToken);
            }
            else
            {
                await store.RemoveAsync(session, migration.Version, cancellationToken);
            }

            if (transactional)
            {
                await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
            }
        });
        return clock.Elapsed;
    }
}
