namespace Orchestrator.Environments;

/// <summary>
/// How long a migration's statement may wait for a lock before it gives up and is tried again
/// later (environment keys <c>migrations.lock_timeout</c> and <c>migrations.lock_retries</c>).
/// </summary>
/// <remarks>
/// A schema change that waits for a lock queues every later reader and writer of the table
/// behind it; giving up after a short wait and trying again lets them through in between.
/// </remarks>
internal sealed record LockDiscipline(TimeSpan Timeout, int Retries)
{
    public static readonly LockDiscipline Default = new(TimeSpan.FromSeconds(2), 10);

    /// <summary>MariaDB counts lock waits in whole seconds; PostgreSQL in milliseconds.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Writers queue behind a waiting schema change for this long at most: beyond it the discipline protects nothing.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public const int MaxRetries = 1000;
}
