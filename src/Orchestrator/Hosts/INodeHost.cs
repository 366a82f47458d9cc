using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Hosts;

/// <summary>
/// Where a node's server programs run and its files live: this machine (programs run as the
/// service user) or the node's container (through exec and the archive API). The engines'
/// steps (initdb, pg_ctl, pg_basebackup, configuration files) are written once against it.
/// Paths are the host's own; every method acts on one node and may run concurrently for others.
/// </summary>
internal interface INodeHost
{
    /// <summary>The node's directories and log file on this host.</summary>
    NodePaths Paths(NodeDefinition node);

    /// <summary>
    /// The environment as its servers see each other: node addresses they listen on and reach
    /// their sources at, and the addresses admitted besides <c>access.allow</c> (the tool's own).
    /// </summary>
    EnvironmentDefinition ServerView(EnvironmentDefinition environment);

    /// <summary>
    /// Where this process connects to the Unix socket <paramref name="name"/> the node's server
    /// creates in <see cref="NodePaths.SocketDir"/>: the same path on this machine; in a container,
    /// the directory of the state directory that is bind-mounted there.
    /// </summary>
    string SocketForTool(NodeDefinition node, string name);

    /// <summary>Runs a program as the service user; <see cref="ProcessSpec.RunAs"/> is ignored.</summary>
    Task<ProcessResult> RunAsync(NodeDefinition node, ProcessSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a server program as the service user and returns at once; it runs on after this
    /// process exits, its output appended to <paramref name="logFile"/>.
    /// </summary>
    Task StartDetachedAsync(NodeDefinition node, ProcessSpec spec, string logFile, CancellationToken cancellationToken);

    /// <summary>Writes a file readable and writable by the service user only.</summary>
    Task WriteFileAsync(NodeDefinition node, string path, string content, CancellationToken cancellationToken);

    /// <summary>Writes several such files at once (in a container, one archive per directory instead of a round trip per file).</summary>
    Task WriteFilesAsync(NodeDefinition node, IReadOnlyList<(string Path, string Content)> files, CancellationToken cancellationToken);

    /// <summary>Copies a directory of this machine to <paramref name="target"/> on the host (not there yet, its parent is), owned by the service user.</summary>
    Task CopyDirectoryInAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken);

    /// <summary>Copies the host's directory <paramref name="source"/> to <paramref name="target"/> on this machine (not there yet).</summary>
    Task CopyDirectoryOutAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken);

    /// <summary>The file's text, or null when it does not exist.</summary>
    Task<string?> ReadFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken);

    Task DeleteFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken);

    /// <summary>Whether the node's data directory exists.</summary>
    Task<bool> HasDataAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Deletes the node's directory, data included; false when there was none.</summary>
    Task<bool> DeleteNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>An empty node directory owned by the service user; whatever was there is deleted.</summary>
    Task ResetNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Live server processes (the engine's programs) working in <paramref name="directory"/> or below it.</summary>
    Task<IReadOnlyList<int>> ServerProcessesAsync(NodeDefinition node, string directory, CancellationToken cancellationToken);

    /// <summary>Whether a process with this id exists on the host (a cheap check, for polling).</summary>
    Task<bool> ProcessExistsAsync(NodeDefinition node, int pid, CancellationToken cancellationToken);

    /// <summary>Sends a signal to a process on the host; nothing when it is gone.</summary>
    Task SignalAsync(NodeDefinition node, int pid, int signal, CancellationToken cancellationToken);

    /// <summary>Whether the node's setup completed (a marker written by <see cref="MarkInitializedAsync"/> beside its data).</summary>
    Task<bool> IsInitializedAsync(NodeDefinition node, CancellationToken cancellationToken);

    Task MarkInitializedAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>The last lines of the node's server log, for an error message.</summary>
    Task<string> LogTailAsync(NodeDefinition node, int lines, CancellationToken cancellationToken);

    /// <summary>Where to read the node's log, for a message ("see ...").</summary>
    string DescribeLog(NodeDefinition node);
}
