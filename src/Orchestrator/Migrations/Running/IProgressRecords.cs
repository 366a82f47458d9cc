using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// The records of a migration in progress, beside the version table: one whose online form runs
/// statements after its transaction, and, where schema changes commit one by one, the statements
/// done of one that failed or was killed halfway.
/// </summary>
internal interface IProgressRecords
{
    /// <summary>
    /// The statements that mark a migration in progress, run in its transaction when statements
    /// still follow it (its online form): a history row with the checksum and no duration, and no
    /// version row yet. <see cref="IVersionRecords.Record"/> completes it.
    /// </summary>
    IReadOnlyList<SqlStatement> RecordInProgress(long version, string checksum, string appliedFrom);

    /// <summary>The migrations marked in progress by <see cref="RecordInProgress"/> (and not recorded since), with their checksums then.</summary>
    Task<IReadOnlyDictionary<long, string>> ReadMarkedInProgressAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary>
    /// The statement that records step <paramref name="step"/> of a migration as done, with its
    /// checksum, run right after it; none where schema changes are transactional (nothing of a
    /// migration stays half-applied there).
    /// </summary>
    IReadOnlyList<SqlStatement> RecordStepDone(long version, int step, string checksum) => [];

    /// <summary>The statements that forget a migration's step records, run with its version row.</summary>
    IReadOnlyList<SqlStatement> ForgetSteps(long version) => [];

    /// <summary>The recorded steps of migrations in progress, by version (none where schema changes are transactional).</summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<DoneStep>>> ReadDoneStepsAsync(IDbSession session, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<long, IReadOnlyList<DoneStep>>>(new Dictionary<long, IReadOnlyList<DoneStep>>());
}

/// <summary>
/// A statement of a migration in progress that was recorded as done, with the checksum of its
/// text then; step -1 marks that the migration started (with the whole migration's checksum).
/// </summary>
internal sealed record DoneStep(int Step, string Checksum)
{
    public bool IsStartMark => Step < 0;

    /// <summary>
    /// How many of the migration's statements are done: up to the last one recorded. Statements
    /// run in order, so every one before it is done too, recorded or found in the schema by a resumed run.
    /// </summary>
    public static int StatementsDone(IEnumerable<DoneStep> done) => done.Where(d => !d.IsStartMark).Select(d => d.Step + 1).DefaultIfEmpty(0).Max();
}

/// <summary>
/// A migration an earlier run started and did not finish (failed, killed, or still running): either
/// some of its statements are done (where schema changes commit one by one), or its transaction
/// committed and statements after it (its online form) remain.
/// </summary>
internal sealed record MigrationInProgress(long Version, int StatementsDone, bool TransactionCommitted)
{
    /// <summary>What an earlier run left, for a person.</summary>
    public string Describe() => TransactionCommitted
        ? "its transaction committed; the statements after it (its online form) are not all done"
        : $"an earlier run did {StatementsDone} of its statements";
}
