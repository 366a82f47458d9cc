using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Environments;
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

    /// <summary>The replicas that must replay each migration before it counts as done; null for none.</summary>
    public ReplicaWatch? Replicas { get; init; }

    public ReplayWait Wait { get; init; } = ReplayWait.PerMigration;

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

            if (plan.Warnings.Count > 0 && strict)
            {
                throw new ReplicationSafetyException(plan.Warnings);
            }

            foreach (var warning in plan.Warnings)
            {
                progress.Report(new ProgressEvent(Subject, $"warning: {warning}", ProgressKind.Info));
            }

            await store.EnsureTablesAsync(session, cancellationToken);
            var ran = new List<(PlannedMigration, TimeSpan)>();
            IReadOnlyList<ReplicaReplay> replayed = [];
            var waits = new List<TimeSpan>();
            foreach (var step in plan.Steps)
            {
                ran.Add((step, await RunStepAsync(step, up: true, cancellationToken)));
                if (Wait == ReplayWait.PerMigration || step == plan.Steps[^1])
                {
                    replayed = await AwaitReplicasAsync(step, up: true, ran.Count, cancellationToken);
                    waits.Add(replayed.Select(r => r.Waited).DefaultIfEmpty().Max());
                }
            }

            return new MigrationRunOutcome(ran, plan.ChangedSinceApplied) { Replicas = replayed, ReplayWaits = waits };
        }, cancellationToken);

    public Task<MigrationRunOutcome> RollbackAsync(IReadOnlyList<MigrationInfo> migrations, long to, CancellationToken cancellationToken) =>
        UnderLockAsync(async () =>
        {
            var plan = MigrationPlanner.Down(migrations, await store.ReadAppliedAsync(session, cancellationToken), to, generator);
            var ran = new List<(PlannedMigration, TimeSpan)>();
            IReadOnlyList<ReplicaReplay> replayed = [];
            foreach (var step in plan.Steps)
            {
                ran.Add((step, await RunStepAsync(step, up: false, cancellationToken)));
                if (Wait == ReplayWait.PerMigration || step == plan.Steps[^1])
                {
                    replayed = await AwaitReplicasAsync(step, up: false, ran.Count, cancellationToken);
                }
            }

            return new MigrationRunOutcome(ran, []) { Replicas = replayed };
        }, cancellationToken);

    /// <summary>
    /// Waits until every replica has replayed what the primary has committed so far (and, after
    /// applying, shows the version row); stops the run when one has not.
    /// </summary>
    private async Task<IReadOnlyList<ReplicaReplay>> AwaitReplicasAsync(PlannedMigration step, bool up, int done, CancellationToken cancellationToken)
    {
        if (Replicas is null || Replicas.Replicas.Count == 0)
        {
            return [];
        }

        var position = await store.CommitPositionAsync(session, cancellationToken);
        var results = await Replicas.VerifyAsync(position, up ? step.Migration.Version : null, cancellationToken);
        var failed = results.Where(r => !r.Replayed).ToList();
        if (failed.Count == 0)
        {
            return results;
        }

        var report = string.Join("\n", results.Select(r => r.Replayed
            ? $"  {r.Node}: replayed ({r.Waited.TotalMilliseconds:0} ms)"
            : $"  {r.Node}: NOT replayed: {r.Error}"));
        throw new ReplicationLagException(
            $"migration {step.Migration.Name} was {(up ? "applied" : "rolled back")} on the primary (with {done - 1} before it in this run) and stays so there, " +
            $"but not every replica has replayed it:\n{report}\n" +
            "Repair or restart the replica; 'status' shows when it has caught up. Then run the command again to continue.",
            results);
    }

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
        await progress.StepAsync(Subject, label, async () =>
        {
            // A statement holding several (a script) would blur which one failed: those run one by one.
            if (migration.TransactionBehavior == TransactionBehavior.Default && !step.Statements.Any(s => s.Contains(';', StringComparison.Ordinal)))
            {
                await RunInOneBatchAsync(step, up, cancellationToken);
            }
            else
            {
                await RunStatementByStatementAsync(step, up, clock, cancellationToken);
            }
        });
        return clock.Elapsed;
    }

    /// <summary>The whole migration with its bookkeeping in one round trip; the store measures the duration on the server.</summary>
    private async Task RunInOneBatchAsync(PlannedMigration step, bool up, CancellationToken cancellationToken)
    {
        var execution = new MigrationExecution(step, store, atomic: store.BatchIsAtomic);
        var entries = store.BatchPrologue.Select(s => (Statement: s, Origin: -1)).Concat(execution.Body).Concat(execution.Tail(Bookkeeping(step, up, durationMs: null))).ToList();
        try
        {
            await session.ExecuteBatchAsync(entries.Select(e => e.Statement).ToList(), cancellationToken);
        }
        catch (DatabaseException e)
        {
            var origin = e.StatementIndex is { } failed && failed < entries.Count ? entries[failed].Origin : -1;
            throw await FailAsync(execution, origin, e, up);
        }
    }

    /// <summary>One statement at a time: migrations without a transaction, and scripts (statements holding several).</summary>
    private async Task RunStatementByStatementAsync(PlannedMigration step, bool up, Stopwatch clock, CancellationToken cancellationToken)
    {
        var execution = new MigrationExecution(step, store, atomic: false);
        foreach (var (statement, origin) in execution.Body)
        {
            try
            {
                await session.ExecuteAsync(statement.Sql, statement.Parameters, cancellationToken);
            }
            catch (DatabaseException e)
            {
                throw await FailAsync(execution, origin, e, up);
            }
        }

        try
        {
            await session.ExecuteBatchAsync(execution.Tail(Bookkeeping(step, up, (long)clock.Elapsed.TotalMilliseconds)).Select(e => e.Statement).ToList(), cancellationToken);
        }
        catch (DatabaseException e)
        {
            throw await FailAsync(execution, -1, e, up);
        }
    }

    /// <summary>Rolls back what the engine still can, and says what failed and what stayed applied.</summary>
    private async Task<MigrationFailedException> FailAsync(MigrationExecution execution, int statementIndex, DatabaseException error, bool up)
    {
        if (execution.Controlled)
        {
            await session.ExecuteAsync("ROLLBACK", cancellationToken: CancellationToken.None);
        }

        var step = execution.Step;
        return statementIndex < 0
            ? new MigrationFailedException($"migration {step.Migration.Name}: {(up ? "recording" : "removing")} its version row failed: {error.Message}. Check the version table with 'history' before running again.", error)
            : new MigrationFailedException(FailureReport.Describe(step, statementIndex, error, up, execution.Transactional, store.TransactionalDdl), error);
    }

    private IReadOnlyList<SqlStatement> Bookkeeping(PlannedMigration step, bool up, long? durationMs) => up
        ? store.Record(new AppliedMigration(step.Migration.Version, null, step.Migration.Description, step.Checksum, durationMs, appliedFrom))
        : store.Remove(step.Migration.Version);
}
