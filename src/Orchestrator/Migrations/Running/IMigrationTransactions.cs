using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>How one engine's migrations are wrapped in transactions and batches.</summary>
internal interface IMigrationTransactions
{
    /// <summary>True when DDL takes part in transactions (PostgreSQL), false when it commits implicitly (MariaDB).</summary>
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

    /// <summary>
    /// Called once before the first write of a run. A database file that was missing when the
    /// session opened is created now (SQLite), so that reading, planning and a refused run never create it.
    /// </summary>
    Task PrepareWritesAsync(IDbSession session, CancellationToken cancellationToken) => Task.CompletedTask;
}
