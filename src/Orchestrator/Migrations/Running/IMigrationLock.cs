using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// The database's migration lock. Locks are session-level and taken without waiting inside a
/// statement, so a waiting runner never holds a snapshot that CREATE INDEX CONCURRENTLY would wait for.
/// </summary>
internal interface IMigrationLock
{
    /// <summary>Takes the database's migration lock if it is free, and returns at once either way.</summary>
    Task<bool> TryLockAsync(IDbSession session, string database, CancellationToken cancellationToken);

    /// <summary>Who holds the lock (a server process or connection id), for the waiting message.</summary>
    Task<string?> LockHolderAsync(IDbSession session, string database, CancellationToken cancellationToken);

    Task UnlockAsync(IDbSession session, string database, CancellationToken cancellationToken);
}
