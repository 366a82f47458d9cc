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

    /// <summary>The checksum of the migration marked in progress by <see cref="RecordInProgress"/>, or null when it is not.</summary>
    Task<string?> InProgressChecksumAsync(IDbSession session, long version, CancellationToken cancellationToken);

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
}
