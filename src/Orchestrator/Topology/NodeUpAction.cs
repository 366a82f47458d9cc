namespace Orchestrator.Topology;

/// <summary>What <c>up</c> did to one node.</summary>
internal enum NodeUpAction
{
    AlreadyRunning,
    Started,

    /// <summary>Restarted after an unclean stop (a stale pid file, a killed process).</summary>
    Recovered,
    Initialized,
    Bootstrapped,

    /// <summary>Not started: a failover fenced it, and only rejoin or rebuild may bring it back.</summary>
    Fenced,
}
