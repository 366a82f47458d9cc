using System.Collections.Concurrent;
using Docker.DotNet;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// A node's files on its volume, reached from this machine where the Docker engine keeps its
/// volumes here (the usual case, and where the tool runs as root). Each call through the archive
/// API mounts the container's file system and costs tens of milliseconds, hundreds on a loaded
/// machine; a failover writes its fence and the new primary's settings this way, while no node
/// takes writes. Paths off the volume, or a volume this machine cannot see (an engine in a
/// virtual machine), are left to the archive API: every method answers null or false then.
/// </summary>
internal sealed class VolumeFiles(DockerClient docker, EnvironmentDefinition environment)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _mountpoints = new(StringComparer.Ordinal);

    /// <summary>One writer at a time per file in this process: two steps may write a node's settings side by side, and each writes its whole file in turn.</summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Writing = new(StringComparer.Ordinal);

    /// <summary>Where <paramref name="path"/> (in the container) is on this machine; null when it is not on the node's volume or the volume is out of sight.</summary>
    public async Task<string?> HereAsync(NodeDefinition node, string path, CancellationToken cancellationToken) =>
        OnVolume(path) && Libc.IsRoot && await MountpointAsync(node, cancellationToken) is { } mountpoint ? Join(mountpoint, path) : null;

    /// <summary>Whether <paramref name="path"/> (in the container) lies on the node's volume.</summary>
    public static bool OnVolume(string path) => path.StartsWith(DockerNames.MountPoint + "/", StringComparison.Ordinal);

    /// <summary><paramref name="path"/> (on the volume, in the container) under the volume's directory on this machine.</summary>
    public static string Join(string mountpoint, string path) => Path.Join(mountpoint, path[(DockerNames.MountPoint.Length + 1)..]);

    /// <summary>
    /// The volume's own directory as the engine reports it, when this machine has it; null
    /// otherwise. A directory found is asked of the engine once per node; none found is asked
    /// again next time (the volume may not have been made yet).
    /// </summary>
    public async Task<string?> MountpointAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var asking = _mountpoints.GetOrAdd(node.Name, _ => new Lazy<Task<string?>>(() => InspectMountpointAsync(node)));
        var mountpoint = await asking.Value.WaitAsync(cancellationToken);
        if (mountpoint is null)
        {
            _mountpoints.TryRemove(new KeyValuePair<string, Lazy<Task<string?>>>(node.Name, asking));
        }

        return mountpoint;
    }

    private async Task<string?> InspectMountpointAsync(NodeDefinition node)
    {
        try
        {
            var mountpoint = (await docker.Volumes.InspectAsync(DockerNames.Volume(environment, node), CancellationToken.None)).Mountpoint;
            return !string.IsNullOrEmpty(mountpoint) && Directory.Exists(mountpoint) ? mountpoint : null;
        }
        catch (DockerApiException)
        {
            return null;
        }
    }

    /// <summary>The file's text; null when it is missing. Only for a path <see cref="HereAsync"/> found.</summary>
    public static async Task<string?> ReadAsync(string here, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(here, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the files into a directory that exists on the volume, owned by the service user and
    /// readable by it alone, each whole or not at all (written beside, then renamed over the old
    /// one). False, with nothing written, when the directory is missing: the archive API reports that.
    /// </summary>
    public async Task<bool> WriteAsync(string directoryHere, IEnumerable<(string Name, string Content)> files, (int Uid, int Gid) owner, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directoryHere))
        {
            return false;
        }

        foreach (var (name, content) in files)
        {
            var target = Path.Join(directoryHere, name);
            var beside = Path.Join(directoryHere, $".{name}.orchestrator-new");
            var gate = Writing.GetOrAdd(target, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            try
            {
                await using (var stream = new FileStream(beside, new FileStreamOptions
                {
                    Mode = FileMode.Create,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                }))
                {
                    await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content), cancellationToken);
                }

                // A file left by an interrupted write keeps its old mode: the mode is set, not only created.
                File.SetUnixFileMode(beside, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                Libc.ChangeOwner(beside, owner.Uid, owner.Gid);
                File.Move(beside, target, overwrite: true);
            }
            finally
            {
                gate.Release();
            }
        }

        return true;
    }
}
