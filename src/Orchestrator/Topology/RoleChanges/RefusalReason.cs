namespace Orchestrator.Topology.RoleChanges;

/// <summary>Why a role change changed nothing.</summary>
internal enum RefusalReason
{
    /// <summary>The request names a node the environment does not have.</summary>
    UnknownNode,

    /// <summary>The request names the node that is already primary (switchover target, rejoin, rebuild).</summary>
    AlreadyPrimary,

    /// <summary>The servers do not report exactly one primary.</summary>
    NotOnePrimary,

    /// <summary>A node accepts writes, so a failover would leave two primaries.</summary>
    PrimaryStillWritable,

    /// <summary>The switchover target is not replicating.</summary>
    TargetNotReplicating,

    /// <summary>The target did not apply the primary's position in time.</summary>
    TargetDidNotCatchUp,

    /// <summary>The named failover target is not a reachable, unfenced replica.</summary>
    TargetNotCandidate,

    /// <summary>No reachable, unfenced replica can take over.</summary>
    NoCandidate,

    /// <summary>Another replica has applied more than the named one; promoting it would lose transactions.</summary>
    TargetBehind,

    /// <summary>Two replicas each have transactions the other lacks; the user must choose.</summary>
    PositionsIncomparable,

    /// <summary>The target holds transactions written on it directly, which promoting would spread.</summary>
    ErrantTransactions,
}

/// <summary>Why nothing was changed, with a message that says what to do; <see cref="BadInput"/> when the request itself was wrong.</summary>
internal sealed record Refusal(RefusalReason Reason, string Message, bool BadInput);
