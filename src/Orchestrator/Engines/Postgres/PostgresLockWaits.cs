using System.Globalization;
using Orchestrator.Data;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Engines.Postgres;

/// <summary>lock_timeout, SQLSTATE 55P03, and pg_blocking_pids for who holds the lock.</summary>
internal sealed class PostgresLockWaits : ILockWaits
{
    /// <summary>lock_not_available: raised when lock_timeout ends a wait.</summary>
    private const string LockNotAvailable = "55P03";

    /// <summary>deadlock_detected: the transaction is aborted and must be rolled back.</summary>
    private const string DeadlockDetected = "40P01";

    public string SessionIdSql => "SELECT pg_backend_pid()";

    /// <summary>Session-wide (set_config's third argument false), so every migration and the bookkeeping run under it.</summary>
    /// <summary>
    /// Besides the lock timeout, the server checks every second that the tool is still there
    /// (PostgreSQL 14 and later): a statement of a killed run stops instead of holding its locks,
    /// or building an index nobody waits for, until it ends.
    /// </summary>
    public IReadOnlyList<SqlStatement> BoundWaits(TimeSpan timeout) =>
    [
        new("SELECT set_config('lock_timeout', $1, false)", [string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(timeout.TotalMilliseconds)}ms")]),
        new("SELECT set_config('client_connection_check_interval', '1s', false) WHERE current_setting('server_version_num')::int >= 140000"),
    ];

    public bool IsLockTimeout(DatabaseException error) => error.Code == LockNotAvailable;

    public bool IsDeadlock(DatabaseException error) => error.Code == DeadlockDetected;

    public async Task<IReadOnlyList<LockBlocker>> BlockersAsync(IDbSession observer, long waiting, CancellationToken cancellationToken)
    {
        var rows = await observer.QueryAsync(
            "SELECT pid AS id, usename AS user_name, query, extract(epoch FROM clock_timestamp() - xact_start)::float8 AS age " +
            "FROM pg_stat_activity WHERE pid = ANY (pg_blocking_pids($1::int)) ORDER BY xact_start",
            [(int)waiting],
            cancellationToken);
        return rows.Select(LockBlocker.Of).ToList();
    }
}
