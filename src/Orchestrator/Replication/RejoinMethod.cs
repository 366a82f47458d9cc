namespace Orchestrator.Replication;

/// <summary>How a former primary's data was brought onto its new source's history.</summary>
internal enum RejoinMethod
{
    /// <summary>pg_rewind found it on the source's history already: nothing was discarded.</summary>
    NoRewindRequired,

    /// <summary>pg_rewind discarded its WAL after the point where its history and the source's parted.</summary>
    Rewound,

    /// <summary>MariaDB: demoted to a replica that continues from its own binary log position.</summary>
    Demoted,
}
