using System.Data.Common;
using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Runs one translated migration with its bookkeeping on the primary's session. A migration in a
/// transaction with only SQL goes in one round trip; one that runs code with the connection, or
/// runs without a transaction, goes step by step, the code getting the ADO.NET connection and the
/// migration's transaction. A failure rolls back what the engine can and says what stayed applied.
/// </summary>
internal sealed class MigrationExecutor(IDbSession session, IMigrationStore store)
{
    /// <summary>What to do about a statement the server refused, from the engine, added to the failure's report.</summary>
    public Func<DatabaseException, string?> Advice { get; init; } = _ => null;

    /// <summary>The run's lock discipline; null runs each statement once, waiting for locks as long as the server lets it.</summary>
    public LockWaitRetry? Locks { get; set; }

    /// <summary>How the run copies tables online; null where the engine has no online copy.</summary>
    public TableCopySetup? TableCopies { get; init; }

    /// <summary>
    /// An online table copy on this session, under the run's lock discipline. Each of its steps is a
    /// transaction of its own that ends with its state saved: one the server rolled back to end a
    /// deadlock with a writer (busy tables have them) runs again like one whose lock wait gave up.
    /// </summary>
    public OnlineTableCopy NewTableCopy() =>
        TableCopies is { } setup
            ? new OnlineTableCopy(session, setup.Sql, setup.Pacing, setup.AskReplicas, UnderLockDisciplineAsync, MayRetryCopyStep, Advice)
            : throw new InvalidOperationException("this engine has no online table copy");

    /// <param name="bookkeeping">The version rows to write, given the duration when it is measured here (null: the store measures it on the server); none for maintenance and profiles.</param>
    /// <param name="thenAsk">A query to ask once the migration committed, in the same round trip where it can; its answer is returned.</param>
    /// <param name="claim">Statements that claim the version inside its transaction (<see cref="IMigrationStore.ClaimsVersions"/>); a conflict throws <see cref="MigrationAlreadyAppliedException"/>.</param>
    /// <param name="resumeAt">The first step to run: an earlier run did those before it (recorded in <see cref="IProgressRecords.RecordStepDone"/>).</param>
    public async Task<object?> RunAsync(
        TranslatedMigration migration, bool up, Func<long?, IReadOnlyList<SqlStatement>> bookkeeping, IReadOnlyList<SqlStatement> claim, string? thenAsk, CancellationToken cancellationToken, int resumeAt = 0)
    {
        if (migration.Migration.TransactionBehavior == FluentMigrator.TransactionBehavior.Default && !migration.StepByStep)
        {
            return await RunInOneBatchAsync(migration, up, bookkeeping(null), claim, thenAsk, resumeAt, cancellationToken);
        }

        await RunStepByStepAsync(migration, up, bookkeeping, claim, resumeAt, cancellationToken);
        return thenAsk is null ? null : (await session.QueryAsync(thenAsk, cancellationToken: cancellationToken)).Single().Values.Values.Single();
    }

    /// <summary>
    /// Runs consecutive migrations in one round trip, each in a transaction of its own with its
    /// version rows, so that the server never waits for the client between them. Only migrations
    /// that run plain SQL in a transaction qualify. When one fails, those before it stay committed:
    /// <paramref name="completed"/> learns how many, and the failure says what the failing one left.
    /// </summary>
    public async Task RunTogetherAsync(
        IReadOnlyList<TranslatedMigration> migrations, Func<TranslatedMigration, IReadOnlyList<SqlStatement>> bookkeeping, Action<int> completed, CancellationToken cancellationToken)
    {
        var executions = migrations.Select(m => new MigrationExecution(m, store, atomic: false, bookkeeping(m), stepDone: StepRecords(m, up: true))).ToList();
        var entries = new List<(int Migration, ExecutionEntry Entry)>();
        for (var i = 0; i < executions.Count; i++)
        {
            entries.AddRange(store.BatchPrologue.Select(s => (i, new ExecutionEntry(ExecutionEntryKind.Bookkeeping, Sql: s))));
            entries.AddRange(executions[i].Entries.Select(e => (i, e)));
        }

        var statements = entries.Select(e => AsSql(e.Entry, migrations[e.Migration])).ToList();
        var from = 0;
        try
        {
            await UnderLockDisciplineAsync($"migrations {migrations[0].Migration.Name} to {migrations[^1].Migration.Name}", async token =>
            {
                try
                {
                    return await ExecuteFromAsync(statements, from, token);
                }
                catch (DatabaseException e) when (GaveUpWaiting(e) && e.StatementIndex is { } failed && failed < entries.Count)
                {
                    // Those before the failing migration committed; it resumes at its own start
                    // where its transaction was rolled back, else at the statement that gave up.
                    var migration = entries[failed].Migration;
                    completed(migration);
                    from = await ResumeAtAsync(failed, entries.FindIndex(x => x.Migration == migration), explicitTransaction: true);
                    throw new LockWaitRetry.GaveUp(e);
                }
            }, cancellationToken);
        }
        catch (DatabaseException e) when (e.StatementIndex is { } failed && failed < entries.Count)
        {
            var (migration, entry) = entries[failed];
            completed(migration);
            throw await FailAsync(executions[migration], null, entry.Step, e, up: true);
        }
        catch (DatabaseException e)
        {
            throw new MigrationFailedException(
                $"migrations {migrations[0].Migration.Name} to {migrations[^1].Migration.Name} ran together and the connection failed before the server said which finished: {e.Message}. " +
                "Each committed on its own; 'history' shows which are applied. Then run the command again.",
                e);
        }

        completed(migrations.Count);
    }

    /// <summary>
    /// Runs the statements of the migration's online form that follow its committed transaction,
    /// one at a time, each under the lock discipline. The schema says which are done already (by
    /// an earlier run that failed or was killed): those are skipped, and what an interrupted
    /// attempt left (an invalid index) is dropped before the statement runs again.
    /// </summary>
    /// <param name="report">Told each statement as it starts, with what it costs or why it is skipped.</param>
    public async Task RunAfterAsync(TranslatedMigration migration, Action<string> report, CancellationToken cancellationToken)
    {
        foreach (var (index, step) in migration.After.Index())
        {
            var label = $"{index + 1}/{migration.After.Count} {step.Sql}";
            if (step.Copy is { } copy)
            {
                report($"{index + 1}/{migration.After.Count} online copy of {copy.Table}: {copy.Change}");
                try
                {
                    await NewTableCopy().RunAsync(migration.Migration.Version, copy, report, cancellationToken);
                }
                catch (DatabaseException e)
                {
                    throw new MigrationFailedException(
                        $"migration {migration.Migration.Name}: its transaction committed, then the online copy of {copy.Table} ({copy.Change}) failed: {e.Message}\n" +
                        "The version is not recorded yet. What the copy did is kept: fix the cause and run migrate again to go on from there, " +
                        $"or run 'migrate --abandon-online-copy {migration.Migration.Version}' to remove the copy and leave the table as it was." +
                        (Advice(e) is { } advice ? $"\n{advice}" : ""),
                        e);
                }

                continue;
            }

            try
            {
                await UnderLockDisciplineAsync($"migration {migration.Migration.Name}: {step.Sql}", async token =>
                {
                    try
                    {
                        var state = (await session.QueryAsync(step.State.Sql, step.State.Parameters, token)).Single().GetString("state");
                        if (state == "done")
                        {
                            report($"{label}: already done");
                            return true;
                        }

                        if (state == "leftover" && step.ClearLeftover is { } clear)
                        {
                            report($"{label}: dropping what an interrupted attempt left ({clear})");
                            await session.ExecuteAsync(clear, cancellationToken: token);
                        }

                        report($"{label} ({step.Cost})");
                        await session.ExecuteAsync(step.Sql, cancellationToken: token);
                        return true;
                    }
                    catch (DatabaseException e) when (GaveUpWaiting(e))
                    {
                        throw new LockWaitRetry.GaveUp(e);
                    }
                }, cancellationToken);
            }
            catch (DatabaseException e)
            {
                throw new MigrationFailedException(
                    $"migration {migration.Migration.Name}: its transaction committed, then the statement after it failed: {step.Sql}\n{e.Message}\n" +
                    $"The version is not recorded yet{(index > 0 ? $", and the {Counted.Of(index, "statement")} before this one are done" : "")}. " +
                    (step.MeanwhileInForce is { } inForce ? $"{inForce}. " : "") +
                    "Fix the cause (rows that break the constraint, say), then run migrate again: it goes on at this statement (what an interrupted attempt left is dropped first).",
                    e);
            }
        }
    }

    /// <summary>Writes a migration's version rows in a transaction of their own, then asks <paramref name="thenAsk"/> and returns its answer.</summary>
    public async Task<object?> RecordAsync(IReadOnlyList<SqlStatement> bookkeeping, string? thenAsk, CancellationToken cancellationToken)
    {
        IReadOnlyList<SqlStatement> statements = [new(store.BeginTransactionSql), .. bookkeeping, new("COMMIT"), .. thenAsk is null ? [] : new[] { new SqlStatement(thenAsk) }];
        return await session.ExecuteBatchAsync(statements, cancellationToken);
    }

    private async Task<object?> RunInOneBatchAsync(
        TranslatedMigration migration, bool up, IReadOnlyList<SqlStatement> bookkeeping, IReadOnlyList<SqlStatement> claim, string? thenAsk, int resumeAt, CancellationToken cancellationToken)
    {
        // A question asked in an atomic batch would be answered before its implicit commit; with
        // one, the migration commits explicitly first.
        var execution = new MigrationExecution(migration, store, store.BatchIsAtomic && thenAsk is null, bookkeeping, claim, StepRecords(migration, up), resumeAt);
        var entries = store.BatchPrologue.Select(s => new ExecutionEntry(ExecutionEntryKind.Bookkeeping, Sql: s))
            .Concat(execution.Entries)
            .Concat(thenAsk is null ? [] : [new ExecutionEntry(ExecutionEntryKind.Bookkeeping, Sql: new SqlStatement(thenAsk))])
            .ToList();
        var statements = entries.Select(e => AsSql(e, migration)).ToList();
        var from = 0;
        try
        {
            return await UnderLockDisciplineAsync(migration.Migration.Name, async token =>
            {
                try
                {
                    return await ExecuteFromAsync(statements, from, token);
                }
                catch (DatabaseException e) when (GaveUpWaiting(e) && (store.TransactionalDdl || e.StatementIndex is not null))
                {
                    from = await ResumeAtAsync(e.StatementIndex ?? 0, 0, explicitTransaction: execution.Controlled);
                    throw new LockWaitRetry.GaveUp(e);
                }
            }, cancellationToken);
        }
        catch (DatabaseException e)
        {
            var failed = e.StatementIndex is { } index && index < entries.Count ? entries[index] : null;
            if (failed?.Kind == ExecutionEntryKind.Claim && store.IsClaimConflict(e))
            {
                throw await AlreadyAppliedAsync(execution, null, e);
            }

            throw await FailAsync(execution, null, failed?.Step ?? -1, e, up);
        }
    }

    private async Task RunStepByStepAsync(
        TranslatedMigration migration, bool up, Func<long?, IReadOnlyList<SqlStatement>> bookkeeping, IReadOnlyList<SqlStatement> claim, int resumeAt, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var recorded = bookkeeping(0).Count > 0;
        var execution = new MigrationExecution(migration, store, atomic: false, recorded ? bookkeeping(0) : [], claim, StepRecords(migration, up), resumeAt);
        DbTransaction? transaction = null;
        var step = -1;
        var entries = execution.Entries.Where(e => e.Kind != ExecutionEntryKind.Bookkeeping).ToList();
        var from = 0;
        try
        {
            await UnderLockDisciplineAsync(migration.Migration.Name, async token =>
            {
                for (var next = from; next < entries.Count; next++)
                {
                    try
                    {
                        await RunEntryAsync(entries[next], token);
                    }
                    catch (DatabaseException e) when (GaveUpWaiting(e))
                    {
                        // A transaction with schema changes in it went back as a whole; anything
                        // else resumes at the statement that gave up.
                        from = next;
                        if (store.TransactionalDdl && transaction is not null)
                        {
                            await transaction.RollbackAsync(CancellationToken.None);
                            await transaction.DisposeAsync();
                            transaction = null;
                            from = 0;
                        }

                        throw new LockWaitRetry.GaveUp(e);
                    }
                }

                return true;
            }, cancellationToken);

            async Task RunEntryAsync(ExecutionEntry entry, CancellationToken token)
            {
                step = entry.Step;
                switch (entry.Kind)
                {
                    case ExecutionEntryKind.Open when transaction is null:
                        transaction = await session.Connection.BeginTransactionAsync(token);
                        break;
                    case ExecutionEntryKind.Open:
                        // Schema changes committed the transaction implicitly (MariaDB); start another under the same ADO.NET transaction.
                        await session.ExecuteAsync(store.BeginTransactionSql, cancellationToken: token);
                        break;
                    case ExecutionEntryKind.StepDone:
                        await session.ExecuteAsync(entry.Sql!.Sql, entry.Sql.Parameters, token);
                        break;
                    case ExecutionEntryKind.Claim:
                        try
                        {
                            await session.ExecuteAsync(entry.Sql!.Sql, entry.Sql.Parameters, token);
                        }
                        catch (DatabaseException e) when (store.IsClaimConflict(e))
                        {
                            throw await AlreadyAppliedAsync(execution, transaction, e);
                        }

                        break;
                    case ExecutionEntryKind.Step when migration.Steps[entry.Step] is CodeStep code:
                        RunCode(code, transaction);
                        break;
                    case ExecutionEntryKind.Step when migration.Steps[entry.Step] is CheckStep check:
                        if ((await session.QueryAsync(check.Query.Sql, check.Query.Parameters, token)).FirstOrDefault() is { } offending)
                        {
                            var values = string.Join(", ", offending.Values.Select(v => $"{v.Key} = {v.Value ?? "NULL"}"));
                            throw new DatabaseException($"{check.Problem} (the first: {values})", "check");
                        }

                        break;
                    case ExecutionEntryKind.Step:
                        await session.ExecuteAsync(((SqlStep)migration.Steps[entry.Step]).Sql, cancellationToken: token);
                        break;
                    case ExecutionEntryKind.Commit:
                        step = -1;
                        await session.ExecuteBatchAsync(bookkeeping((long)clock.Elapsed.TotalMilliseconds), token);
                        await transaction!.CommitAsync(token);
                        break;
                }
            }

            if (!execution.Controlled && recorded)
            {
                step = -1;
                await session.ExecuteBatchAsync(bookkeeping((long)clock.Elapsed.TotalMilliseconds), cancellationToken);
            }
        }
        catch (DatabaseException e)
        {
            throw await FailAsync(execution, transaction, step, e, up);
        }
        catch (DbException e)
        {
            throw await FailAsync(execution, transaction, step, new DatabaseException($"statement failed: {e.Message}", e.SqlState ?? "code", e), up);
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Where schema changes commit one by one, each step of a migration being applied is recorded
    /// as done right after it, with its checksum (step -1, the mark that it started, with the
    /// migration's), so that a run that fails or is killed halfway can be continued; null where
    /// nothing of a migration stays half-applied, and for rollbacks.
    /// </summary>
    private Func<int, IReadOnlyList<SqlStatement>>? StepRecords(TranslatedMigration migration, bool up) =>
        !up || store.TransactionalDdl || migration.Migration.Kind != MigrationKind.Versioned
            ? null
            : step => store.RecordStepDone(migration.Migration.Version, step, step < 0 ? migration.Checksum : TranslatedMigration.ChecksumOf([migration.Steps[step]]));

    private Task<T> UnderLockDisciplineAsync<T>(string what, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken) =>
        Locks is null ? attempt(cancellationToken) : Locks.RunAsync(what, attempt, cancellationToken);

    private bool GaveUpWaiting(DatabaseException error) => Locks?.IsLockTimeout(error) == true;

    private bool MayRetryCopyStep(DatabaseException error) => GaveUpWaiting(error) || Locks?.IsDeadlock(error) == true;

    /// <summary>Runs the statements from <paramref name="from"/> on; a failure's statement index counts from the first of all.</summary>
    private async Task<object?> ExecuteFromAsync(IReadOnlyList<SqlStatement> statements, int from, CancellationToken cancellationToken)
    {
        try
        {
            return await session.ExecuteBatchAsync(from == 0 ? statements : statements.Skip(from).ToList(), cancellationToken);
        }
        catch (DatabaseException e) when (from > 0 && e.StatementIndex is { } index)
        {
            throw new DatabaseException(e.Message, e.Code, e.InnerException, from + index);
        }
    }

    /// <summary>
    /// Where a batch resumes after the statement at <paramref name="failed"/> gave up waiting for a
    /// lock: where schema changes are transactional, the transaction went back as a whole (rolled
    /// back here when the batch opened it explicitly), so at <paramref name="transactionStart"/>;
    /// elsewhere only the statement went back, so at it.
    /// </summary>
    private async Task<int> ResumeAtAsync(int failed, int transactionStart, bool explicitTransaction)
    {
        if (!store.TransactionalDdl)
        {
            return failed;
        }

        if (explicitTransaction)
        {
            await session.ExecuteAsync("ROLLBACK", cancellationToken: CancellationToken.None);
        }

        return transactionStart;
    }

    /// <summary>The migration's own code, as FluentMigrator's processors call it: synchronously, with the connection and the transaction (null without one).</summary>
    private void RunCode(CodeStep code, DbTransaction? transaction)
    {
        try
        {
            code.Expression.Operation(session.Connection, transaction!);
        }
        catch (Exception e) when (e is not (DbException or DatabaseException or OperationCanceledException))
        {
            throw new DatabaseException($"Execute.WithConnection code threw {e.GetType().Name}: {e.Message}", "code", e);
        }
    }

    /// <summary>Another runner recorded the version first: its transaction is rolled back, having changed nothing.</summary>
    private async Task<MigrationAlreadyAppliedException> AlreadyAppliedAsync(MigrationExecution execution, DbTransaction? transaction, DatabaseException conflict)
    {
        await RollBackAsync(execution, transaction);
        return new MigrationAlreadyAppliedException(execution.Migration.Migration, conflict);
    }

    /// <summary>Rolls back what the engine still can, and says what failed and what stayed applied.</summary>
    private async Task<MigrationFailedException> FailAsync(MigrationExecution execution, DbTransaction? transaction, int step, DatabaseException error, bool up)
    {
        await RollBackAsync(execution, transaction);
        var migration = execution.Migration;
        await RecordEvidentStepsAsync(migration, step, up);
        var recorded = migration.Migration.Kind == MigrationKind.Versioned;
        var resumable = StepRecords(migration, up) is not null;
        return step < 0
            ? new MigrationFailedException(
                $"migration {migration.Migration.Name}: {(up ? "recording" : "removing")} its version row failed: {error.Message}. Check the version table with 'history' before running again.", error)
            : new MigrationFailedException(
                FailureReport.Describe(
                    migration, recorded, step, error, up, execution.Transactional, store.TransactionalDdl, resumable, resumable ? await RecordedDoneAsync(migration.Migration.Version) : null)
                    + (Advice(error) is { } advice ? $"\n{advice}" : ""),
                error);
    }

    /// <summary>
    /// The steps before the failed one that were not recorded as they ran (<see cref="StepEffects.EvidentSteps"/>)
    /// are recorded now, so that the report, plan, history and status count every statement done.
    /// </summary>
    private async Task RecordEvidentStepsAsync(TranslatedMigration migration, int failedStep, bool up)
    {
        var records = StepRecords(migration, up) is { } record
            ? StepEffects.EvidentSteps(migration).Take(Math.Max(failedStep, 0)).Index().Where(s => s.Item).SelectMany(s => record(s.Index)).ToList()
            : [];
        if (records.Count == 0)
        {
            return;
        }

        try
        {
            await session.ExecuteBatchAsync(records, CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or DatabaseException or InvalidOperationException)
        {
            // The connection is gone: a rerun finds these steps done in the schema instead.
        }
    }

    /// <summary>How many statements of a failed migration its records say are done; null when they cannot be read (the connection is gone).</summary>
    private async Task<int?> RecordedDoneAsync(long version)
    {
        try
        {
            return (await store.ReadDoneStepsAsync(session, CancellationToken.None)).TryGetValue(version, out var done) ? DoneStep.StatementsDone(done) : 0;
        }
        catch (Exception e) when (e is DbException or DatabaseException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task RollBackAsync(MigrationExecution execution, DbTransaction? transaction)
    {
        try
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
            else if (execution.Controlled)
            {
                await session.ExecuteAsync("ROLLBACK", cancellationToken: CancellationToken.None);
            }
        }
        catch (Exception e) when (e is DbException or DatabaseException or InvalidOperationException)
        {
            // The connection is gone or the transaction already ended; the report still holds.
        }
    }

    private SqlStatement AsSql(ExecutionEntry entry, TranslatedMigration migration) => entry.Kind switch
    {
        ExecutionEntryKind.Open => new SqlStatement(store.BeginTransactionSql),
        ExecutionEntryKind.Commit => new SqlStatement("COMMIT"),
        ExecutionEntryKind.Step => new SqlStatement(((SqlStep)migration.Steps[entry.Step]).Sql),
        _ => entry.Sql!,
    };
}
