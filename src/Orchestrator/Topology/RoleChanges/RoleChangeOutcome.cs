












namespace Orchestrator.Topology.RoleChanges;

/// <summary>
/// The result of a switchover, failover, rejoin or rebuild: what was done to each node and
/// what was refused and why. <see cref="Refusal"/> is set when nothing was changed because
/// the operation was unsafe or the request was wrong.
/// </summary>
internal sealed record RoleChangeOutcome(RoleChangeKind Kind, IReadOnlyList<NodeChange> Changes, TimeSpan Duration)
{
    public string Operation => Kind.CommandName();

    public string? OldPrimary { get; init; }

    public string? NewPrimary { get; init; }

    /// <summary>From the moment the old primary refused writes until the new one accepted them.</summary>
    public TimeSpan? WriteRefusedWindow { get; init; }

    /// <summary>The position the new primary was promoted at (LSN, GTID list).</summary>
    public string? PromotedAt { get; init; }

    /// <summary>Why nothing was changed; null when the operation went ahead.</summary>
    public Refusal? Refusal { get; init; }

    public bool Succeeded => Refusal is null && Changes.All(c => c.Result is ChangeResult.Done or ChangeResult.Skipped);

    public static RoleChangeOutcome Refused(RoleChangeKind kind, Refusal refusal, TimeSpan duration) =>
        new(kind, [], duration) { Refusal = refusal };
}
