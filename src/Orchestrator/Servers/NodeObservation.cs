namespace Orchestrator.Servers;

/// <summary>
/// What one server reports about itself. <see cref="Position"/> is the replication position
/// in the engine's own terms: a WAL LSN on PostgreSQL (current on a primary, replayed on a
/// replica), a GTID list on MariaDB (binlog position on a primary, applied on a replica).
/// </summary>
internal sealed record NodeObservation(
    ObservedRole Role,
    string ServerVersion,
    string? SourceHost,
    int? SourcePort,
    string? ReplicationState,
    string? Position,
    double? LagSeconds)
{
    /// <summary>True on a replica whose replication is running (streaming WAL, or both GTID threads running).</summary>
    public bool IsReplicating { get; init; }

    /// <summary>For a database file (SQLite): its size and journal mode; null for servers.</summary>
    public DatabaseFileFacts? File { get; init; }

    /// <summary>Client connections to the server, this one included; null for a file.</summary>
    public long? Connections { get; init; }

    /// <summary>On a primary: whether its commits wait for synchronous replicas, and how that goes; null elsewhere.</summary>
    public SynchronousReplication? Synchronous { get; init; }

    /// <summary>When the certificate the server presents stops being valid (UTC); null without TLS, or when the account may not read it.</summary>
    public DateTimeOffset? CertificateNotAfter { get; init; }

    /// <summary>The server's archiving of its log, when it archives (backup.archive); null otherwise.</summary>
    public ArchiveObservation? Archive { get; init; }

    /// <summary>
    /// A primary that still has the replication it had as a replica configured: a failover's
    /// promotion interrupted after the node took writes (MariaDB); 'up' finishes it.
    /// </summary>
    public bool PromotionUnfinished { get; init; }
}

/// <summary>
/// How a server's archiving goes, as it counts it: the newest file it archived and when, and its
/// latest failure. Failing while the newest failure is more recent than the newest success.
/// </summary>
internal sealed record ArchiveObservation(string? LastArchivedFile, DateTimeOffset? LastArchivedAt, string? LastFailedFile, DateTimeOffset? LastFailedAt, long FailedCount)
{
    public bool Failing => LastFailedAt is { } failed && (LastArchivedAt is not { } archived || failed > archived);
}

/// <summary>A database file as <c>status</c> shows it.</summary>
internal sealed record DatabaseFileFacts(long SizeBytes, string JournalMode);
