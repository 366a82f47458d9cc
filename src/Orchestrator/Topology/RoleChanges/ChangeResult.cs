namespace Orchestrator.Topology.RoleChanges;

internal enum ChangeResult
{
    Done,

    /// <summary>Left as it was on purpose (nothing to do, or the node could not be reached).</summary>
    Skipped,

    /// <summary>Not attempted because it was unsafe; the detail says why and what to do.</summary>
    Refused,
    Failed,
}
