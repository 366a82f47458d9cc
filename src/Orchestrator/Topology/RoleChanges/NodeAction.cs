namespace Orchestrator.Topology.RoleChanges;

/// <summary>One step a role change takes on one node.</summary>
internal enum NodeAction
{
    /// <summary>The target applies what the primary committed so far, while writes go on.</summary>
    CatchUp,

    /// <summary>The primary refuses writes; its last position is what the target must apply.</summary>
    StopWrites,

    /// <summary>An abandoned switchover: the old primary takes writes again.</summary>
    ResumeWrites,

    /// <summary>The target has applied the primary's last position.</summary>
    ApplyUpTo,

    Promote,

    /// <summary>A failed primary is stopped for good and cannot start writable.</summary>
    Fence,

    /// <summary>A replica applies everything it received from a primary that is gone.</summary>
    Drain,

    /// <summary>A replica replicates from a new source.</summary>
    ReplicateFrom,

    /// <summary>A replica that kept its source replicates again after the change.</summary>
    StillReplicateFrom,

    /// <summary>A former primary becomes a replica of the new one (pg_rewind, GTID demotion).</summary>
    Rejoin,

    /// <summary>A replica's data is deleted and cloned again from its source.</summary>
    Clone,
}
