using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// What the runner needs from one engine: the version tables, the migration lock and
/// transaction control. Locks are session-level and taken without waiting inside a
/// statement, so a waiting runner never holds a snapshot that CREATE INDEX CONCURRENTLY would
/// wait for.
/// </summary>
public interface IMigrationStore
{
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

    /// <summary>Creates VersionInfo (FluentMigrator's layout) and the history table when missing.</summary>
    Task EnsureTablesAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary>Every recorded version, oldest first; empty when the tables do not exist.</summary>
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

    /// <summary>The replication position of everything the primary session has committed (a WAL LSN, a GTID list).</summary>
    Task<string> CommitPositionAsync(IDbSession primary, CancellationToken cancellationToken);

    /// <summary>Waits until a replica has replayed <paramref name="position"/>; false when <paramref name="timeout"/> passed first.</summary>
    Task<bool> WaitForReplayAsync(IDbSession replica, string position, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>True when a replica's error means it has not yet replayed the database's creation (lag, not failure).</summary>
    bool IsNotYetReplicated(DatabaseException error);

    /// <summary>True when the version row is present (on a replica: replicated).</summary>
    Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken);
}
