namespace Orchestrator.Migrations.Running;

/// <summary>Why <see cref="Node"/> did not confirm a migration, with what was waited for (the primary's position, the version, the timeout) or the server's error.</summary>
internal sealed record ReplayFailure(ReplayFailureKind Kind, string Node, string Position)
{
    public TimeSpan? Timeout { get; init; }

    /// <summary>NoVersionRow: the version whose row is missing.</summary>
    public long? Version { get; init; }

    /// <summary>Unreachable: the error connecting or asking.</summary>
    public string? Error { get; init; }

    /// <summary>The failure as a person reads it, after the node's name.</summary>
    public string Detail => Kind switch
    {
        ReplayFailureKind.NotReplayedInTime => $"did not replay position {Position} within {Timeout?.TotalSeconds:0} s (lagging or not replicating)",
        ReplayFailureKind.NoVersionRow => $"replayed position {Position} but shows no version row {Version}",
        _ => $"unreachable: {Error}",
    };
}
