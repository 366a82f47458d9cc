namespace Orchestrator.Chaos;

/// <summary>
/// What the campaign does to a node's server behind the tool's back, where the provider runs it.
/// Each method returns what it did, once it has seen the fault take hold (the processes gone or
/// stopped, the container killed, paused or cut off), and throws when it did not.
/// </summary>
internal interface INodeFaults
{
    /// <summary>SIGKILL of the node's whole server: its process groups on this machine, its container with docker.</summary>
    Task<string> KillAsync(string node);

    /// <summary>SIGSTOP of the node's server (its process groups), or docker pause of its container.</summary>
    Task<string> PauseAsync(string node);

    /// <summary>Undoes <see cref="PauseAsync"/> if the node is still frozen; nothing otherwise.</summary>
    Task<string> ResumeAsync(string node);

    /// <summary>Disconnects the node from the environment's network (docker only).</summary>
    Task<string> CutAsync(string node);
}
