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

    /// <summary>Running, given a new certificate (near the old one's end), which it reads without a restart.</summary>
    CertificateRenewed,

    /// <summary>Restarted to present its certificate: it ran without one (brought up by an earlier version).</summary>
    TlsTurnedOn,

    /// <summary>Not started: a failover fenced it, and only rejoin or rebuild may bring it back.</summary>
    Fenced,
}
