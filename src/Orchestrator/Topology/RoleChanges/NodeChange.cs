using Orchestrator.Replication;

namespace Orchestrator.Topology.RoleChanges;

/// <summary>What a role change did, or did not do, to one node; <see cref="Peer"/> is the other node the step names (a source, the primary).</summary>
internal sealed record NodeChange(string Node, NodeAction Action, ChangeResult Result, string? Detail = null, TimeSpan? Elapsed = null)
{
    public string? Peer { get; init; }

    /// <summary>A rejoin that was done: how the node's data was brought onto its source's history.</summary>
    public RejoinOutcome? Rejoined { get; init; }

    /// <summary>A rejoin that was refused: why (<see cref="Detail"/> says what to do).</summary>
    public RejoinRefusalReason? RejoinRefusal { get; init; }

    /// <summary>The step as a person reads it (and as the JSON's "action" has always said it).</summary>
    public string Text => Action switch
    {
        NodeAction.CatchUp => $"catch up with {Peer}",
        NodeAction.StopWrites => "stop writes",
        NodeAction.ResumeWrites => "resume writes",
        NodeAction.ApplyUpTo => $"apply what {Peer} committed",
        NodeAction.Promote => "promote",
        NodeAction.Fence => "fence",
        NodeAction.Drain => "apply what it received",
        NodeAction.ReplicateFrom => $"replicate from {Peer}",
        NodeAction.StillReplicateFrom => $"still replicate from {Peer}",
        NodeAction.Rejoin => $"rejoin as a replica of {Peer}",
        _ => $"clone from {Peer}",
    };
}
