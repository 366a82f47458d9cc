namespace Orchestrator.Topology;

/// <summary>What <c>up</c> did to one node.</summary>
public enum NodeUpAction
{
    AlreadyRunning,
    Started,

    /// <summary>Restarted after an unclean stop (a stale pid file, a killed process).</summary>
    Recovered,
    Initialized,
    Bootstrapped,
}
