using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;

namespace Orchestrator.Hosts;

/// <summary>Single files and whole directories on a node's host, copied in and out of this machine, owned by the service user.</summary>
internal interface INodeFiles
{
    /// <summary>Writes a file readable and writable by the service user only.</summary>
    Task WriteFileAsync(NodeDefinition node, string path, string content, CancellationToken cancellationToken);

    /// <summary>Writes several such files at once (in a container, one archive per directory instead of a round trip per file).</summary>
    Task WriteFilesAsync(NodeDefinition node, IReadOnlyList<(string Path, string Content)> files, CancellationToken cancellationToken);

    /// <summary>Copies a directory of this machine to <paramref name="target"/> on the host (not there yet, its parent is), owned by the service user.</summary>
    Task CopyDirectoryInAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken);

    /// <summary>Copies the host's directory <paramref name="source"/> to <paramref name="target"/> on this machine (not there yet).</summary>
    Task CopyDirectoryOutAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken);

    /// <summary>A folder of the host that the service user owns, 0700, made when missing (an archive the servers write into).</summary>
    Task EnsurePrivateDirectoryAsync(NodeDefinition node, string path, CancellationToken cancellationToken);

    /// <summary>
    /// Where a directory of the host is on this machine, for a reader here that follows its files
    /// as the server writes them (the binary-log archiver); fails, saying why, when this machine
    /// cannot see it.
    /// </summary>
    Task<string> VisibleHereAsync(NodeDefinition node, string path, CancellationToken cancellationToken);

    /// <summary>The file's text, or null when it does not exist.</summary>
    Task<string?> ReadFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken);

    Task DeleteFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken);

    /// <summary>The last lines of the node's server log, for an error message.</summary>
    Task<string> LogTailAsync(NodeDefinition node, int lines, CancellationToken cancellationToken);
}
