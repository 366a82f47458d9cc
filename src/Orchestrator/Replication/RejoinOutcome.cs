namespace Orchestrator.Replication;

/// <summary>What a rejoin did to a former primary's data before it followed its new source, with the figures the engine reported.</summary>
internal sealed record RejoinOutcome(RejoinMethod Method)
{
    /// <summary>Rewound: the WAL location where the histories parted, when pg_rewind said it.</summary>
    public string? DivergedAt { get; init; }

    /// <summary>Rewound: the timeline the histories shared up to <see cref="DivergedAt"/>.</summary>
    public long? DivergedOnTimeline { get; init; }

    /// <summary>Demoted: the GTID position the node continues from (its own binary log's).</summary>
    public string? Position { get; init; }

    /// <summary>The outcome as a person reads it (the detail of the rejoin step).</summary>
    public string Text => Method switch
    {
        RejoinMethod.NoRewindRequired => "pg_rewind: no rewind required",
        RejoinMethod.Rewound when DivergedAt is not null =>
            $"pg_rewind: rewound; servers diverged at WAL location {DivergedAt} on timeline {DivergedOnTimeline}; WAL after that point was discarded",
        RejoinMethod.Rewound => "pg_rewind: rewound; its history and the new primary's parted; WAL after that point was discarded",
        _ => $"demoted at GTID {Position}",
    };
}
