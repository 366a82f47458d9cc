using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>Reading and recording the applied versions of one version table, and the tool's history table beside it.</summary>
internal interface IVersionRecords
{
    VersionTable Table { get; }

    /// <summary>Creates the tool's history table beside the version table when missing.</summary>
    Task EnsureHistoryTableAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary>Every recorded version, oldest first, or none when the version table does not exist.</summary>
    Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary>The statements that record an applied migration (run in the migration's transaction).</summary>
    IReadOnlyList<SqlStatement> Record(AppliedMigration migration);

    /// <summary>
    /// The statements that mark a migration in progress, run in its transaction when statements
    /// still follow it (its online form): a history row with the checksum and no duration, and no
    /// version row yet. <see cref="Record"/> completes it.
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

    /// <summary>The statements that forget a rolled-back version.</summary>
    IReadOnlyList<SqlStatement> Remove(long version);

    /// <summary>True when the version row is present (on a replica: replicated).</summary>
    Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken);
}

/// <summary>
/// A statement of a migration in progress that was recorded as done, with the checksum of its
/// text then; step -1 marks that the migration started (with the whole migration's checksum).
/// </summary>
internal sealed record DoneStep(int Step, string Checksum)
{
    public bool IsStartMark => Step < 0;
}
