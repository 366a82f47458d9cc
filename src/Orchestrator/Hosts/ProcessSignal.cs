namespace Orchestrator.Hosts;

/// <summary>What a host is asked to do to a server process; each host sends it its own way.</summary>
internal enum ProcessSignal
{
    /// <summary>Ask it to shut down (SIGTERM).</summary>
    Terminate,

    /// <summary>End it at once (SIGKILL).</summary>
    Kill,
}
