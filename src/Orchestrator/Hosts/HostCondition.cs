namespace Orchestrator.Hosts;

/// <summary>Why a node's host keeps its server from answering, as the host itself tells.</summary>
internal enum HostCondition
{
    /// <summary>The node's container exists and is stopped.</summary>
    Stopped,

    /// <summary>The node's container is paused (frozen).</summary>
    Paused,

    /// <summary>The node's container does not exist.</summary>
    Missing,

    /// <summary>The docker engine itself does not answer, so no container could be asked.</summary>
    EngineUnreachable,
}
