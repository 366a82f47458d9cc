namespace Orchestrator.Topology;

/// <summary>What a note below the status rows is about.</summary>
internal enum StatusNoteKind
{
    /// <summary>Pending migrations could not be counted (the migrations did not load).</summary>
    MigrationsNotCounted,

    /// <summary>A node's host says why it does not answer (see <see cref="HostNote"/>).</summary>
    Host,

    /// <summary>More than one node accepts writes.</summary>
    SplitBrain,

    /// <summary>The primary's records show a migration an earlier run started and did not finish.</summary>
    MigrationInProgress,

    /// <summary>A node fenced by a failover stays down until it rejoins or is rebuilt.</summary>
    Fenced,

    /// <summary>A replica follows no source at the moment.</summary>
    FollowsNobody,

    /// <summary>A primary's commits do not wait for the synchronous replica the file gives it.</summary>
    SynchronousLapsed,

    /// <summary>A primary's commits wait for an acknowledgement no connected replica gives.</summary>
    CommitsStuck,

    /// <summary>A primary's commits wait and make no progress although a replica that acknowledges is connected.</summary>
    CommitsStalled,

    /// <summary>A server's archiving of its log fails.</summary>
    ArchiveFailing,

    /// <summary>A server's certificate ends within 30 days, or has ended.</summary>
    CertificateExpiring,

    /// <summary>The servers' shape differs from the environment file, after a switchover or failover.</summary>
    ShapeDiffers,
}
