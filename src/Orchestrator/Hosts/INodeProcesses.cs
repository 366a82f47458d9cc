using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Hosts;

/// <summary>The programs of a node's host: running them as the service user, finding its server processes and signalling them.</summary>
internal interface INodeProcesses
{
    /// <summary>Runs a program as the service user; <see cref="ProcessSpec.RunAs"/> is ignored.</summary>
    Task<ProcessResult> RunAsync(NodeDefinition node, ProcessSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a server program as the service user and returns at once; it runs on after this
    /// process exits, its output appended to <paramref name="logFile"/>.
    /// </summary>
    Task StartDetachedAsync(NodeDefinition node, ProcessSpec spec, string logFile, CancellationToken cancellationToken);

    /// <summary>Live server processes (the engine's programs) working in <paramref name="directory"/> or below it.</summary>
    Task<IReadOnlyList<int>> ServerProcessesAsync(NodeDefinition node, string directory, CancellationToken cancellationToken);

    /// <summary>Whether a process with this id exists on the host (a cheap check, for polling).</summary>
    Task<bool> ProcessExistsAsync(NodeDefinition node, int pid, CancellationToken cancellationToken);

    /// <summary>Sends a signal to a process on the host; nothing when it is gone.</summary>
    Task SignalAsync(NodeDefinition node, int pid, ProcessSignal signal, CancellationToken cancellationToken);
}
