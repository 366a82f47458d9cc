using System.Diagnostics;
using System.Globalization;
using Orchestrator.Data;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>How an online table copy paces itself.</summary>
/// <param name="MaxReplicaLag">The copy pauses while any replica has not replayed what was written this long ago (<c>migrations.max_replica_lag</c>).</param>
/// <param name="PauseLimit">How long it stays paused before it stops, resumable, and says why.</param>
/// <param name="MaxBusySessions">It pauses while more sessions than this run statements on the primary.</param>
internal sealed record CopyPacing(TimeSpan MaxReplicaLag, TimeSpan PauseLimit, int MaxBusySessions = 50)
{
    public static readonly TimeSpan DefaultMaxReplicaLag = TimeSpan.FromSeconds(1.5);

    /// <summary>Each chunk aims at this long, like pt-online-schema-change's chunk time: short enough that a writer waiting for its rows hardly notices.</summary>
    public static readonly TimeSpan ChunkTime = TimeSpan.FromMilliseconds(500);
}

/// <summary>What a run's online table copies need: the engine's SQL, the pacing, and a way to ask every replica.</summary>
internal sealed record TableCopySetup(ITableCopies Sql, CopyPacing Pacing, Func<SqlStatement, CancellationToken, Task<IReadOnlyList<ReplicaHeartbeat>>> AskReplicas);

/// <summary>What one replica answered when asked for the copy's heartbeat: the value, or why there is none.</summary>
internal sealed record ReplicaHeartbeat(string Node, long? Heartbeat, string? Error);

/// <summary>
/// Runs one online table copy (<see cref="TableCopy"/>) on the primary's session: prepares the
/// shadow and its triggers, copies the rows in chunks sized to a time budget, pausing while a
/// replica lags or the primary is busy, compares old and new from one snapshot, and swaps them
/// under the lock discipline. Its state row says where it stands, so a rerun after a kill goes on
/// at the chunk after the last one committed; what the schema shows decides between the phases.
/// </summary>
internal sealed class OnlineTableCopy(
    IDbSession session,
    ITableCopies sql,
    CopyPacing pacing,
    Func<SqlStatement, CancellationToken, Task<IReadOnlyList<ReplicaHeartbeat>>> askReplicas,
    Func<string, Func<CancellationToken, Task<bool>>, CancellationToken, Task<bool>> underLocks,
    Func<DatabaseException, bool> mayRetry,
    Func<DatabaseException, string?> advice)
{
    private readonly ReplicaPace _pace = new(pacing.MaxReplicaLag, CopyPacing.ChunkTime);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _heartbeat;
    private TimeSpan _paused;

    public async Task RunAsync(long version, TableCopy copy, Action<string> report, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync(sql.States.CreateStateTable, cancellationToken: cancellationToken);
        var row = (await QueryAsync(sql.States.ReadState(version, copy), cancellationToken)).SingleOrDefault();
        var state = row is null ? null : new CopyState(row.GetString("phase")!, row.GetString("last_key"), row.GetInt64("rows_copied") ?? 0);
        _heartbeat = row?.GetInt64("heartbeat") ?? 0;
        _pace.Begin(_heartbeat);
        var exists = (await QueryAsync(sql.Exists(copy), cancellationToken)).Single();
        if (state?.Phase == "done" && exists.GetInt64("old_exists") == 0)
        {
            report($"the online copy of {copy.Table} is done already");
            return;
        }

        if (exists.GetInt64("old_exists") > 0 && exists.GetInt64("shadow_exists") == 0)
        {
            report($"the copy of {copy.Table} was swapped in by an earlier run; finishing");
            await FinishAsync(version, copy, state ?? new CopyState("copying", null, 0), report, cancellationToken);
            return;
        }

        if (state is null || state.Phase != "copying" || exists.GetInt64("shadow_exists") == 0)
        {
            if (await sql.RefusalAsync(session, copy, cancellationToken) is { } refusal)
            {
                await WithoutCopyAsync(version, copy, refusal, report, cancellationToken);
                return;
            }

            state = await PrepareAsync(version, copy, exists.GetInt64("shadow_exists") > 0, report, cancellationToken);
        }
        else
        {
            report($"going on with the online copy of {copy.Table} after key {state.LastKey ?? "(none yet)"}, {state.Rows:N0} rows copied by an earlier run");
        }

        var columns = await sql.ColumnsAsync(session, copy, cancellationToken);
        state = await CopyRowsAsync(version, copy, columns, state, report, cancellationToken);
        await CompareAsync(copy, columns, report, cancellationToken);
        var swap = await sql.SwapAsync(session, copy, cancellationToken);
        report($"swapping {copy.Shadow} in for {copy.Table} (a brief exclusive lock)");
        var swapping = _clock.Elapsed;
        await UnderLocksAsync($"the swap of {copy.Table}", swap, version, copy, state with { Phase = sql.PrepareIsAtomic ? "done" : "copying" }, cancellationToken);
        report(string.Create(CultureInfo.InvariantCulture, $"swapped in {(_clock.Elapsed - swapping).TotalSeconds:0.000} s"));
        await FinishAsync(version, copy, state, report, cancellationToken);
    }

    /// <summary>The first of <paramref name="copies"/> whose table the copy cannot take as it is now, with why; null when it can take them all.</summary>
    public async Task<(TableCopy Copy, string Why)?> FirstUncopiableAsync(IReadOnlyList<TableCopy> copies, CancellationToken cancellationToken)
    {
        foreach (var copy in copies)
        {
            if (await sql.RefusalAsync(session, copy, cancellationToken) is { } why)
            {
                return (copy, why);
            }
        }

        return null;
    }

    /// <summary>Forgets the copies an earlier application of the version made (rolled back since): the version starts afresh.</summary>
    public async Task ForgetAsync(long version, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync(sql.States.CreateStateTable, cancellationToken: cancellationToken);
        await ExecuteAsync(sql.States.ForgetCopies(version), cancellationToken);
    }

    /// <summary>
    /// Removes the copies the version has in progress: their triggers and shadows go, the tables
    /// stay as they were, and the version's copy records are forgotten. Returns the tables, none
    /// when no copy is in progress; refuses when one was swapped in already (the table has its new
    /// shape: only migrate can finish it).
    /// </summary>
    public async Task<IReadOnlyList<string>> AbandonAsync(long version, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync(sql.States.CreateStateTable, cancellationToken: cancellationToken);
        var copies = (await QueryAsync(sql.States.ReadCopies(version), cancellationToken))
            .Select(r => (Phase: r.GetString("phase"), Copy: new TableCopy(r.GetString("table_schema"), r.GetString("table_name")!, r.GetString("column_name")!, [], "")))
            .ToList();
        if (copies.All(c => c.Phase == "done"))
        {
            return [];
        }

        foreach (var (phase, copy) in copies)
        {
            var exists = (await QueryAsync(sql.Exists(copy), cancellationToken)).Single();
            if (phase == "done" || (exists.GetInt64("old_exists") > 0 && exists.GetInt64("shadow_exists") == 0))
            {
                throw new MigrationFailedException(
                    $"the online copy of {copy.Table} ({copy.Column}) for migration {version} was swapped in already: the table has its new shape. Run migrate to finish the migration, or roll it back once it is applied",
                    new InvalidOperationException("swapped"));
            }
        }

        foreach (var (_, copy) in copies)
        {
            foreach (var statement in sql.Abandon(copy))
            {
                await UnderLocksAsync($"abandoning the copy of {copy.Table}", [new SqlStatement(statement)], null, copy, null, cancellationToken);
            }
        }

        await ExecuteAsync(sql.States.ForgetCopies(version), cancellationToken);
        return copies.Select(c => c.Copy.Table).Distinct().ToList();
    }

    /// <summary>The change as the engine makes it without a copy, for a table the copy cannot take, each statement under the lock discipline.</summary>
    private async Task WithoutCopyAsync(long version, TableCopy copy, string refusal, Action<string> report, CancellationToken cancellationToken)
    {
        report($"{copy.Table} cannot be copied online ({refusal}); changing it without a copy instead: {string.Join("; ", copy.WithoutCopy)}");
        try
        {
            foreach (var statement in copy.WithoutCopy)
            {
                await UnderLocksAsync($"the change of {copy.Table}", [new SqlStatement(statement)], null, copy, null, cancellationToken);
            }
        }
        catch (DatabaseException e)
        {
            throw new MigrationFailedException(
                $"migration {version}: {copy.Table} cannot be copied online ({refusal}), and the change without a copy failed: {e.Message}\n" +
                "Its transaction committed and its version is not recorded yet; run migrate again once the cause is fixed." + (advice(e) is { } what ? $"\n{what}" : ""),
                e);
        }

        await ExecuteAsync(Save(version, copy, new CopyState("done", null, 0)), cancellationToken);
    }

    private async Task<CopyState> PrepareAsync(long version, TableCopy copy, bool leftover, Action<string> report, CancellationToken cancellationToken)
    {
        if (leftover)
        {
            report($"dropping what an interrupted copy of {copy.Table} left ({copy.Shadow} and its triggers)");
            foreach (var statement in sql.Abandon(copy))
            {
                await UnderLocksAsync($"the copy of {copy.Table}", [new SqlStatement(statement)], null, copy, null, cancellationToken);
            }
        }

        var preparing = new CopyState("preparing", null, 0);
        await ExecuteAsync(Save(version, copy, preparing), cancellationToken);
        report($"making {copy.Shadow} with the new shape ({copy.Change}) and the triggers that carry writes to it");
        var statements = (await sql.PrepareAsync(session, copy, cancellationToken)).Select(s => new SqlStatement(s)).ToList();
        var copying = new CopyState("copying", null, 0);
        if (sql.PrepareIsAtomic)
        {
            await UnderLocksAsync($"the copy of {copy.Table}", statements, version, copy, copying, cancellationToken);
        }
        else
        {
            foreach (var statement in statements)
            {
                await UnderLocksAsync($"the copy of {copy.Table}", [statement], null, copy, null, cancellationToken);
            }

            await ExecuteAsync(Save(version, copy, copying), cancellationToken);
        }

        return copying;
    }

    private async Task<CopyState> CopyRowsAsync(long version, TableCopy copy, CopyColumns columns, CopyState state, Action<string> report, CancellationToken cancellationToken)
    {
        var chunk = 1000;
        var began = _clock.Elapsed;
        var lastReport = _clock.Elapsed;
        // Rows past the highest key now came after the triggers (preparing waited for every writer
        // then): the triggers carry them, and the chunks need not chase the writers.
        var end = (await QueryAsync(sql.LastKey(copy, columns), cancellationToken)).Single().GetString("bound");
        while (end is not null)
        {
            await PaceAsync(version, copy, report, cancellationToken);
            var bound = (await QueryAsync(sql.NextBound(copy, columns, state.LastKey, end, chunk), cancellationToken)).Single().GetString("bound");
            if (bound is null)
            {
                break;
            }

            var started = _clock.Elapsed;
            var next = state with { LastKey = bound, Rows = state.Rows + chunk };
            await UnderLocksAsync($"a chunk of {copy.Table}", [sql.CopyChunk(copy, columns, state.LastKey, bound)], version, copy, next, cancellationToken);
            state = next;
            var took = _clock.Elapsed - started;
            _pace.Committed(_heartbeat, _clock.Elapsed, took);
            // Toward the time budget, by at most a doubling a step so one fast chunk does not overshoot.
            var scale = Math.Clamp(_pace.ChunkBudget.TotalMilliseconds / Math.Max(took.TotalMilliseconds, 1), 0.5, 2.0);
            chunk = (int)Math.Clamp(chunk * scale, 100, 100_000);
            if (_clock.Elapsed - lastReport > TimeSpan.FromSeconds(2))
            {
                lastReport = _clock.Elapsed;
                report($"copying {copy.Table}: about {state.Rows:N0} rows so far, up to key {bound} of {end} ({chunk:N0} rows a chunk)");
            }
        }

        report(string.Create(CultureInfo.InvariantCulture,
            $"copied about {state.Rows:N0} rows of {copy.Table} in {(_clock.Elapsed - began).TotalSeconds:0.0} s ({_paused.TotalSeconds:0.0} s of it paused); writers' changes since are carried by the triggers"));
        return state;
    }

    /// <summary>Waits while a replica has not replayed a heartbeat written more than the allowed lag ago, or the primary is busy.</summary>
    private async Task PaceAsync(long version, TableCopy copy, Action<string> report, CancellationToken cancellationToken)
    {
        TimeSpan? pausedAt = null;
        while (true)
        {
            var why = await WhyWaitAsync(version, copy, cancellationToken);
            if (why is null)
            {
                if (pausedAt is not null)
                {
                    _paused += _clock.Elapsed - pausedAt.Value;
                    report($"going on after a pause of {(_clock.Elapsed - pausedAt.Value).TotalSeconds:0.0} s");
                }

                return;
            }

            if (pausedAt is null)
            {
                pausedAt = _clock.Elapsed;
                report($"pausing the copy: {why}");
            }
            else if (_clock.Elapsed - pausedAt.Value > pacing.PauseLimit)
            {
                throw new MigrationFailedException(
                    $"the online copy stayed paused for {pacing.PauseLimit.TotalSeconds:0} s: {why}. What it copied is kept: run migrate again to go on from there, or 'migrate --abandon-online-copy {version}' to remove the copy",
                    new TimeoutException("paused"));
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task<string?> WhyWaitAsync(long version, TableCopy copy, CancellationToken cancellationToken)
    {
        var replicas = await askReplicas(sql.States.Heartbeat(version, copy), cancellationToken);
        var now = _clock.Elapsed;
        string? why = null;
        // Every replica's answer is taken in, so the pace learns each one's speed, but one reason is enough.
        foreach (var replica in replicas)
        {
            var reason = replica.Error is { } error ? $"replica {replica.Node} does not answer ({error})" : _pace.WhyWait(replica.Node, replica.Heartbeat, now);
            why ??= reason;
        }

        if (why is not null)
        {
            return why;
        }

        var busy = (await session.QueryAsync(sql.Load, cancellationToken: cancellationToken)).Single().GetInt64("busy") ?? 0;
        return busy > pacing.MaxBusySessions ? $"the primary runs {busy} statements at once (more than {pacing.MaxBusySessions})" : null;
    }

    private async Task CompareAsync(TableCopy copy, CopyColumns columns, Action<string> report, CancellationToken cancellationToken)
    {
        report($"comparing {copy.Table} with {copy.Shadow} row by row (old values converted to the new types)");
        var began = _clock.Elapsed;
        var result = (await QueryAsync(sql.Compare(copy, columns), cancellationToken)).Single();
        var (old, copied, differing) = (result.GetInt64("old_rows") ?? -1, result.GetInt64("new_rows") ?? -1, result.GetInt64("differing") ?? -1);
        if (old != copied || differing != 0)
        {
            throw new MigrationFailedException(
                $"the online copy of {copy.Table} does not match it: {old:N0} rows against {copied:N0} copied, {differing:N0} missing or different. Nothing was swapped; the table is as it was. " +
                $"Abandon the copy ('migrate --abandon-online-copy VERSION') and report this, with the table's definition",
                new InvalidOperationException("copy differs"));
        }

        report(string.Create(CultureInfo.InvariantCulture, $"{copy.Table} and its copy agree: {old:N0} rows (compared in {(_clock.Elapsed - began).TotalSeconds:0.0} s)"));
    }

    private async Task FinishAsync(long version, TableCopy copy, CopyState state, Action<string> report, CancellationToken cancellationToken)
    {
        foreach (var statement in sql.Finish(copy))
        {
            await UnderLocksAsync($"finishing the copy of {copy.Table}", [new SqlStatement(statement)], null, copy, null, cancellationToken);
        }

        await ExecuteAsync(Save(version, copy, state with { Phase = "done" }), cancellationToken);
        report($"{copy.Table} has its new shape ({copy.Change})");
    }

    /// <summary>Runs statements under the lock discipline; with a state to save, in one transaction with it (a heartbeat for the replicas).</summary>
    private Task<bool> UnderLocksAsync(string what, IReadOnlyList<SqlStatement> statements, long? version, TableCopy copy, CopyState? state, CancellationToken cancellationToken)
    {
        IReadOnlyList<SqlStatement> batch = state is null || version is null
            ? statements
            : [.. sql.Begin.Select(b => new SqlStatement(b)), .. statements, Save(version.Value, copy, state), new SqlStatement("COMMIT")];
        return underLocks(what, async token =>
        {
            try
            {
                await session.ExecuteBatchAsync(batch, token);
                return true;
            }
            catch (DatabaseException e) when (mayRetry(e))
            {
                await RollBackAsync(batch.Count > statements.Count);
                throw new LockWaitRetry.GaveUp(e);
            }
            catch (DatabaseException) when (batch.Count > statements.Count)
            {
                await RollBackAsync(true);
                throw;
            }
        }, cancellationToken);
    }

    private async Task RollBackAsync(bool opened)
    {
        try
        {
            if (opened)
            {
                await session.ExecuteAsync("ROLLBACK", cancellationToken: CancellationToken.None);
            }
        }
        catch (DatabaseException)
        {
            // The connection is gone and the transaction with it; the failure itself is what matters.
        }
    }

    private SqlStatement Save(long version, TableCopy copy, CopyState state)
    {
        _heartbeat++;
        _pace.Committed(_heartbeat, _clock.Elapsed, TimeSpan.Zero);
        return sql.States.SaveState(version, copy, state, _heartbeat);
    }

    private Task<IReadOnlyList<DbRow>> QueryAsync(SqlStatement statement, CancellationToken cancellationToken) =>
        session.QueryAsync(statement.Sql, statement.Parameters, cancellationToken);

    private Task<long> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken) =>
        session.ExecuteAsync(statement.Sql, statement.Parameters, cancellationToken);
}
