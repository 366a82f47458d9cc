namespace Orchestrator.Replication;

/// <summary>
/// A physical backup as a node's bootstrap restores it: the backup's folder, the position its data
/// was copied at (a PostgreSQL LSN, a MariaDB GTID state; empty when none), and the admin account
/// its source had, which the copy still holds until this environment's accounts are set.
/// </summary>
internal sealed record PhysicalCopy(string BackupDirectory, string Position, string? SourceAdminUser)
{
    /// <summary>For a point-in-time restore: the archived WAL to replay after the copy, and where to stop; null to stop at <see cref="Position"/>.</summary>
    public ArchiveReplay? Replay { get; init; }

    /// <summary>
    /// A rehearsal's scratch copy, deleted afterwards: its recovery need not make what it writes
    /// durable, since a crash would only fail the rehearsal, never leave data someone relies on.
    /// </summary>
    public bool Disposable { get; init; }
}

/// <summary>
/// Replay of the log archived in <paramref name="Archive"/> up to <paramref name="Target"/>;
/// with <paramref name="ToEnd"/>, to the archive's end, because the target lies after its newest
/// commit (a server would otherwise stop at the end without having seen the target, and fail).
/// </summary>
internal sealed record ArchiveReplay(RecoveryTarget Target, Environments.ArchiveSettings Archive, bool ToEnd = false)
{
    /// <summary>Where PostgreSQL's archived WAL is.</summary>
    public string ArchiveWalDirectory => Archive.WalDirectory;
}
