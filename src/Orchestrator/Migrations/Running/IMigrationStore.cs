using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// What the runner needs from one engine about one version table: reading and recording
/// versions, the tool's history table beside it, the migration lock and transaction control.
/// Locks are session-level and taken without waiting inside a statement, so a waiting runner
/// never holds a snapshot that CREATE INDEX CONCURRENTLY would wait for.
/// </summary>
internal interface IMigrationStore
{
    VersionTable Table { get; }

    /// <summary>True when DDL takes part in transactions (PostgreSQL); false when it commits implicitly (MariaDB).</summary>
    bool TransactionalDdl { get; }

    string BeginTransactionSql { get; }

    /// <summary>
    /// True when <see cref="IDbSession.ExecuteBatchAsync"/> runs as one transaction by itself
    /// (PostgreSQL's extended protocol: everything before one Sync), so a batched migration needs
    /// no BEGIN or COMMIT and a failure leaves nothing to roll back.
    /// </summary>
    bool BatchIsAtomic { get; }

    /// <summary>Statements that start a batched migration, so the store can measure its duration on the server.</summary>
    IReadOnlyList<SqlStatement> BatchPrologue { get; }

    /// <summary>Creates the tool's history table beside the version table when missing.</summary>
    Task EnsureHistoryTableAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary>Every recorded version, oldest first; empty when the version table does not exist.</summary>
    Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary>The statements that record an applied migration (run in the migration's transaction).</summary>
    IReadOnlyList<SqlStatement> Record(AppliedMigration migration);

    /// <summary>The statements that forget a rolled-back version.</summary>
    IReadOnlyList<SqlStatement> Remove(long version);

    /// <summary>Takes the database's migration lock if it is free; returns at once either way.</summary>
    Task<bool> TryLockAsync(IDbSession session, string database, CancellationToken cancellationToken);

    /// <summary>Who holds the lock (a server process or connection id), for the waiting message.</summary>
    Task<string?> LockHolderAsync(IDbSession session, string database, CancellationToken cancellationToken);

    Task UnlockAsync(IDbSession session, string database, CancellationToken cancellationToken);

    /// <summary>
    /// True when no lock spans the run (SQLite): each migration then claims its version inside
    /// its own transaction (<see cref="Claim"/>), and a runner that finds it claimed skips it.
    /// </summary>
    bool ClaimsVersions => false;

    /// <summary>Statements that claim a version right after its transaction began; they fail (<see cref="IsClaimConflict"/>) when it is recorded already.</summary>
    IReadOnlyList<SqlStatement> Claim(long version) => [];

    bool IsClaimConflict(DatabaseException error) => false;

    /// <summary>
    /// Called once before the first write of a run. A database file that was missing when the
    /// session opened is created now (SQLite), so that reading, planning and a refused run never create it.
    /// </summary>
    Task PrepareWritesAsync(IDbSession session, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>True when the version row is present (on a replica: replicated).</summary>
    Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken);
}
