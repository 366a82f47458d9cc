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

    /// <summary>The statements that forget a rolled-back version.</summary>
    IReadOnlyList<SqlStatement> Remove(long version);

    /// <summary>True when the version row is present (on a replica: replicated).</summary>
    Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken);
}
