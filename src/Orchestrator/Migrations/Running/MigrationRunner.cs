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

    /// <summary>
    /// The whole migration with its bookkeeping in one round trip. Where a batch is atomic by
    /// itself (PostgreSQL) that is all. Where schema changes commit implicitly (MariaDB), a
    /// transaction is opened before data changes that follow a schema change, and before the
    /// version rows, so that those commit together. The store measures the duration on the server.
    /// </summary>
    private async Task RunInOneBatchAsync(PlannedMigration step, bool up, CancellationToken cancellationToken)
    {
        var batch = new List<SqlStatement>(store.BatchPrologue);
        var origin = Enumerable.Repeat(-1, batch.Count).ToList();
        var open = store.BatchIsAtomic;
        void Add(SqlStatement statement, int statementIndex)
        {
            batch.Add(statement);
            origin.Add(statementIndex);
        }

        for (var i = 0; i < step.Statements.Count; i++)
        {
            var isData = StatementKind.IsDataChange(step.Statements[i]);
            if (!open && (store.TransactionalDdl || isData))
            {
                Add(new SqlStatement(store.BeginTransactionSql), -1);
                open = true;
            }

            Add(new SqlStatement(step.Statements[i]), i);
            open &= store.TransactionalDdl || isData;
        }

        if (!open)
        {
            Add(new SqlStatement(store.BeginTransactionSql), -1);
        }

        foreach (var statement in Bookkeeping(step, up, durationMs: null))
        {
            Add(statement, -1);
        }

        if (!store.BatchIsAtomic)
        {
            Add(new SqlStatement("COMMIT"), -1);
        }

        try
        {
            await session.ExecuteBatchAsync(batch, cancellationToken);
        }
        catch (DatabaseException e)
        {
            if (!store.BatchIsAtomic)
            {
                await session.ExecuteAsync("ROLLBACK", cancellationToken: CancellationToken.None);
            }

            var index = e.StatementIndex is { } failed && failed < origin.Count ? origin[failed] : -1;
            if (index < 0)
            {
                throw new MigrationFailedException($"migration {step.Migration.Name}: {(up ? "recording" : "removing")} its version row failed: {e.Message}. Check the version table with 'history' before running again.", e);
            }

            throw new MigrationFailedException(FailureReport.Describe(step, index, e, up, transactional: true, store.TransactionalDdl), e);
        }
    }

    /// <summary>
    /// One statement at a time: migrations without a transaction, and engines whose schema
    /// changes commit implicitly (MariaDB), where a new transaction follows each schema change.
    /// </summary>
    private async Task RunStatementByStatementAsync(PlannedMigration step, bool up, Stopwatch clock, CancellationToken cancellationToken)
    {
        var transactional = step.Migration.TransactionBehavior == TransactionBehavior.Default;
        if (transactional)
        {
            await session.ExecuteAsync(store.BeginTransactionSql, cancellationToken: cancellationToken);
        }

        for (var i = 0; i < step.Statements.Count; i++)
        {
            try
            {
                await session.ExecuteAsync(step.Statements[i], cancellationToken: cancellationToken);
                if (transactional && !store.TransactionalDdl && !StatementKind.IsDataChange(step.Statements[i]))
                {
                    // The schema change committed implicitly and left the session in autocommit:
                    // group what follows, the version row included, in a new transaction.
                    await session.ExecuteAsync(store.BeginTransactionSql, cancellationToken: cancellationToken);
                }
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

        await session.ExecuteBatchAsync(Bookkeeping(step, up, (long)clock.Elapsed.TotalMilliseconds), cancellationToken);
        if (transactional)
        {
            await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
        }
    }

    private IReadOnlyList<SqlStatement> Bookkeeping(PlannedMigration step, bool up, long? durationMs) => up
        ? store.Record(new AppliedMigration(step.Migration.Version, null, step.Migration.Description, step.Checksum, durationMs, appliedFrom))
        : store.Remove(step.Migration.Version);
}
