using FluentMigrator;
using Orchestrator.Data;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>What an entry of a migration's execution does.</summary>
internal enum ExecutionEntryKind
{
    /// <summary>Start a transaction (again, after a schema change committed the last one implicitly).</summary>
    Open,

    /// <summary>Run the migration's step at <see cref="ExecutionEntry.Step"/>.</summary>
    Step,

    /// <summary>Record or remove the version row (and the history row).</summary>
    Bookkeeping,

    /// <summary>Claim the version inside the transaction, failing when another runner recorded it (see <see cref="IMigrationStore.ClaimsVersions"/>).</summary>
    Claim,

    /// <summary>Record that the step at <see cref="ExecutionEntry.Step"/> is done, right after it (see <see cref="IProgressRecords.RecordStepDone"/>).</summary>
    StepDone,

    Commit,
}

internal sealed record ExecutionEntry(ExecutionEntryKind Kind, int Step = -1, SqlStatement? Sql = null);

/// <summary>
/// A migration's steps with the engine's transaction control and the bookkeeping around them.
/// Where DDL is transactional one transaction spans everything; where schema changes commit
/// implicitly (MariaDB), a transaction is opened before data changes (and code run with the
/// connection) that follow one, and before the version rows, so that those commit together. An
/// atomic batch needs no control at all, and a migration declared TransactionBehavior.None gets none.
/// </summary>
internal sealed class MigrationExecution
{
    /// <param name="claim">Statements that claim the version once its transaction began; a migration without a transaction claims nothing.</param>
    /// <param name="stepDone">
    /// The statements that record a step as done, run right after it (unless <see cref="StepEffects.EvidentSteps"/> says it needs none),
    /// and (for step -1, first of all) that the migration has started; none when steps are not recorded.
    /// </param>
    /// <param name="resumeAt">The first step to run: those before it were done by an earlier run.</param>
    public MigrationExecution(
        TranslatedMigration migration,
        IMigrationTransactions store,
        bool atomic,
        IReadOnlyList<SqlStatement> bookkeeping,
        IReadOnlyList<SqlStatement>? claim = null,
        Func<int, IReadOnlyList<SqlStatement>>? stepDone = null,
        int resumeAt = 0)
    {
        Migration = migration;
        Transactional = migration.Migration.TransactionBehavior == TransactionBehavior.Default;
        Controlled = Transactional && !atomic;
        var entries = new List<ExecutionEntry>();
        var open = !Controlled;
        if (Controlled && claim is { Count: > 0 })
        {
            entries.Add(new ExecutionEntry(ExecutionEntryKind.Open));
            entries.AddRange(claim.Select(s => new ExecutionEntry(ExecutionEntryKind.Claim, Sql: s)));
            open = true;
        }

        // The mark comes before anything commits: a kill right after the first schema change
        // still leaves evidence that the migration had started.
        if (resumeAt == 0)
        {
            entries.AddRange((stepDone?.Invoke(-1) ?? []).Select(sql => new ExecutionEntry(ExecutionEntryKind.StepDone, -1, sql)));
        }

        bool IsData(int step) => migration.Steps[step] is CodeStep || (migration.Steps[step] is SqlStep sql && StatementKind.IsDataChange(sql.Sql));
        var lastSchemaChange = Enumerable.Range(0, migration.Steps.Count).LastOrDefault(i => !IsData(i), -1);
        var evident = StepEffects.EvidentSteps(migration);
        for (var i = resumeAt; i < migration.Steps.Count; i++)
        {
            var isData = IsData(i);
            if (!open && (store.TransactionalDdl || isData))
            {
                entries.Add(new ExecutionEntry(ExecutionEntryKind.Open));
                open = true;
            }

            entries.Add(new ExecutionEntry(ExecutionEntryKind.Step, i));

            // A schema change committed implicitly and left the session in autocommit, where its
            // record commits on its own; a data change's record commits with it.
            open &= !Controlled || store.TransactionalDdl || isData;

            // A data change after the last schema change commits with the version rows: it needs no
            // record. Nor does a step whose effect the schema shows for as long as the migration
            // runs: its record would cost a commit of its own, about as much as the schema change.
            if (!(Controlled && isData && i > lastSchemaChange) && !evident[i])
            {
                entries.AddRange((stepDone?.Invoke(i) ?? []).Select(sql => new ExecutionEntry(ExecutionEntryKind.StepDone, i, sql)));
            }
        }

        if (!open && bookkeeping.Count > 0)
        {
            entries.Add(new ExecutionEntry(ExecutionEntryKind.Open));
            open = true;
        }

        entries.AddRange(bookkeeping.Select(s => new ExecutionEntry(ExecutionEntryKind.Bookkeeping, Sql: s)));
        if (Controlled && open)
        {
            entries.Add(new ExecutionEntry(ExecutionEntryKind.Commit));
        }

        Entries = entries;
    }

    public TranslatedMigration Migration { get; }

    public bool Transactional { get; }

    /// <summary>True when the runner starts and commits transactions itself (and must roll back on failure).</summary>
    public bool Controlled { get; }

    public IReadOnlyList<ExecutionEntry> Entries { get; }
}
