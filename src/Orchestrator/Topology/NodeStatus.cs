using Orchestrator.Environments;
using Orchestrator.Migrations.Running;
using Orchestrator.Servers;

namespace Orchestrator.Topology;

/// <summary>One row of <c>status</c>: the file's intent beside what the server reported.</summary>
internal sealed record NodeStatus(
    string Name,
    NodeRole ExpectedRole,
    string Endpoint,
    bool Reachable,
    string? Error,
    ObservedRole? Role,
    string? ServerVersion,
    string? ReplicatingFrom,
    string? ReplicationState,
    string? Position,
    long? LagBytes,
    long? LagTransactions,
    double? LagSeconds)
{
    /// <summary>The node the file says this one replicates from.</summary>
    public string? ExpectedSource { get; init; }

    /// <summary>The newest version in this node's VersionInfo; null when it has none (or could not be read).</summary>
    public long? SchemaVersion { get; init; }

    /// <summary>Selected migrations this node has not applied (or replayed); null when the migrations could not be loaded.</summary>
    public int? PendingMigrations { get; init; }

    /// <summary>Migrations an earlier run started and did not finish (failed, killed, or running now).</summary>
    public IReadOnlyList<MigrationInProgress> InProgressMigrations { get; init; } = [];

    /// <summary>When the newest applied migration was applied (UTC).</summary>
    public DateTime? LastAppliedOn { get; init; }

    /// <summary>For a database file (SQLite): its size and journal mode.</summary>
    public DatabaseFileFacts? File { get; init; }

    /// <summary>Client connections to the server; null where the engine has none (SQLite).</summary>
    public long? Connections { get; init; }

    /// <summary>On a node answering as primary: its synchronous replication as its server reports it.</summary>
    public SynchronousReplication? Synchronous { get; init; }

    /// <summary>When the certificate the server presents stops being valid; null without TLS (or unreadable).</summary>
    public DateTimeOffset? CertificateNotAfter { get; init; }

    /// <summary>The server's archiving of its log, when it archives; null otherwise.</summary>
    public ArchiveObservation? Archive { get; init; }

    /// <summary>The server's archiving fails now: its latest attempt failed.</summary>
    public bool ArchiveFailing => Archive?.Failing == true;

    /// <summary>The server's certificate ends within <see cref="CertificateWarning"/> (or has ended).</summary>
    public bool CertificateExpiring => CertificateNotAfter is { } end && end - DateTimeOffset.UtcNow < CertificateWarning;

    /// <summary>How long before a certificate's end <c>status</c> warns.</summary>
    public static readonly TimeSpan CertificateWarning = TimeSpan.FromDays(30);

    /// <summary>The environment's shape gives this node, answering as primary, a synchronous replica.</summary>
    public bool ExpectsSynchronous { get; init; }

    /// <summary>Commits here should wait for a synchronous replica and do not (the primary fell back to asynchronous replication, or was never told).</summary>
    public bool SynchronousLapsed => ExpectsSynchronous && Synchronous is { Waits: false };

    /// <summary>Commits wait for an acknowledgement that no connected replica gives.</summary>
    public bool CommitsStuck => Synchronous is { WaitingCommits: > 0, Acknowledging: 0 };

    /// <summary>Commits wait, and make no progress, although a replica that acknowledges is connected.</summary>
    public bool CommitsStalled => Synchronous is { WaitingCommits: > 0, Acknowledging: > 0, Stalled: true };

    /// <summary>A replica that should follow a source and follows none (a refused rejoin, a replica demoted by hand).</summary>
    public bool FollowsNobody => Reachable && Role == ObservedRole.Replica && ExpectedSource is not null && ReplicatingFrom is null;
}
