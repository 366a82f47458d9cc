using Orchestrator.Data;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// lock_wait_timeout (metadata locks) and innodb_lock_wait_timeout (row locks), error 1205 for
/// both, and the sessions that may hold what a waiting session wants.
/// </summary>
internal sealed class MariaDbLockWaits : ILockWaits
{
    /// <summary>ER_LOCK_WAIT_TIMEOUT.</summary>
    private const string LockWaitTimeout = "1205";

    /// <summary>ER_LOCK_DEADLOCK: InnoDB rolled back the whole transaction.</summary>
    private const string Deadlock = "1213";

    public string SessionIdSql => "SELECT CONNECTION_ID()";

    /// <summary>Both bounds count whole seconds: the timeout is rounded up, to one second at least.</summary>
    public IReadOnlyList<SqlStatement> BoundWaits(TimeSpan timeout)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(timeout.TotalSeconds));
        return [new("SET SESSION lock_wait_timeout = ?, SESSION innodb_lock_wait_timeout = ?", [seconds, seconds])];
    }

    public bool IsLockTimeout(DatabaseException error) => error.Code == LockWaitTimeout;

    public bool IsDeadlock(DatabaseException error) => error.Code == Deadlock;

    /// <summary>
    /// A row lock's holder is known exactly (INNODB_LOCK_WAITS). A metadata lock's is not without
    /// the metadata_lock_info plugin, which the tool does not install on a user's server: every
    /// other session with an open transaction, or with a statement running since before the wait
    /// began, may hold it, and those are named.
    /// </summary>
    public async Task<IReadOnlyList<LockBlocker>> BlockersAsync(IDbSession observer, long waiting, CancellationToken cancellationToken)
    {
        var rows = await observer.QueryAsync(
            """
            SELECT p.ID AS id, p.USER AS user_name, COALESCE(t.trx_query, p.INFO) AS query,
                   TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) / 1000000 AS age
            FROM information_schema.PROCESSLIST p
            LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
            JOIN information_schema.PROCESSLIST w ON w.ID = ?
            LEFT JOIN information_schema.INNODB_TRX wt ON wt.trx_mysql_thread_id = w.ID
            WHERE p.ID NOT IN (w.ID, CONNECTION_ID()) AND p.COMMAND IN ('Query', 'Sleep')
              AND COALESCE(p.STATE, '') NOT LIKE 'Waiting for%lock'
              AND (
                (wt.trx_state = 'LOCK WAIT' AND t.trx_id IN (SELECT blocking_trx_id FROM information_schema.INNODB_LOCK_WAITS WHERE requesting_trx_id = wt.trx_id))
                OR (w.STATE LIKE 'Waiting for%metadata lock' AND (t.trx_id IS NOT NULL OR (p.COMMAND = 'Query' AND p.TIME >= w.TIME))))
            ORDER BY t.trx_started
            """,
            [waiting],
            cancellationToken);
        return rows.Select(LockBlocker.Of).ToList();
    }
}
