using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Hosts.Local;
using Orchestrator.Processes;
using Orchestrator.Servers;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// A node's container: its files live on the node's volume (mounted at
/// <see cref="DockerNames.MountPoint"/>), written and read through the archive API, and its
/// programs run through exec as the engine's service user. Servers see each other at their
/// fixed addresses on the environment's network; the tool's own connections arrive from the
/// network's gateway (the published ports).
/// </summary>
/// <param name="stateRoot">The state directory, which holds each node's socket directory (bind-mounted at <see cref="DockerNames.SocketMountPoint"/>).</param>
/// <param name="freshNodes">Nodes whose empty volume was created by this run, removed once initialised.</param>
internal sealed class ContainerNodeHost(DockerClient docker, EnvironmentDefinition environment, string stateRoot, DockerAddresses addresses, ServerProgram server, System.Collections.Concurrent.ConcurrentDictionary<string, bool> freshNodes) : INodeHost
{
    private const string Root = "root";

    /// <summary>The reset's exit code when the image lacks the engine's account or server program.</summary>
    private const int ImageMismatch = 3;
    private readonly string _serviceUser = server.OsUser;
    private readonly Dictionary<string, (int Uid, int Gid)> _owners = new(StringComparer.Ordinal);
    private readonly Lock _ownersGate = new();
    private readonly VolumeFiles _volume = new(docker, environment);

    public NodePaths Paths(NodeDefinition node) =>
        new($"{DockerNames.MountPoint}/node", $"{DockerNames.MountPoint}/node/data", $"{DockerNames.MountPoint}/node/server.log", DockerNames.SocketMountPoint);

    public string SocketForTool(NodeDefinition node, string name) => Path.Combine(DockerNames.SocketDirOnHost(stateRoot, node), name);

    public EnvironmentDefinition ServerView(EnvironmentDefinition environment) => addresses.ServerView(environment, server.ContainerPort);

    /// <summary>The published port's host (the tool's), the fixed address on the network, the container's name and its alias there (the node's name).</summary>
    public IReadOnlyList<string> NamesOf(NodeDefinition node) =>
        [node.Host, "localhost", addresses.Nodes[node.Name], DockerNames.Container(environment, node), node.Name];

    public Task<ProcessResult> RunAsync(NodeDefinition node, ProcessSpec spec, CancellationToken cancellationToken) =>
        ExecAsync(node, _serviceUser, [spec.FileName, .. spec.Arguments], cancellationToken, spec.Environment, spec.WorkingDirectory, spec.Timeout);

    public Task StartDetachedAsync(NodeDefinition node, ProcessSpec spec, string logFile, CancellationToken cancellationToken) =>
        ExecCheckedAsync(node, _serviceUser, ProcessRunner.DetachedCommand([spec.FileName, .. spec.Arguments], logFile), cancellationToken, spec.WorkingDirectory);

    public Task EnsurePrivateDirectoryAsync(NodeDefinition node, string path, CancellationToken cancellationToken) =>
        ExecCheckedAsync(node, Root, ["sh", "-c", "mkdir -p \"$2\" && chown \"$1:\" \"$2\" && chmod 700 \"$2\"", "sh", _serviceUser, path], cancellationToken);

    public Task WriteFileAsync(NodeDefinition node, string path, string content, CancellationToken cancellationToken) =>
        WriteFilesAsync(node, [(path, content)], cancellationToken);

    public async Task WriteFilesAsync(NodeDefinition node, IReadOnlyList<(string Path, string Content)> files, CancellationToken cancellationToken)
    {
        var (uid, gid) = await OwnerAsync(node, cancellationToken);

        // One archive per directory, sent side by side: a failover waits on these calls.
        await Task.WhenAll(files.GroupBy(f => Path.GetDirectoryName(f.Path)!, StringComparer.Ordinal).Select(async directory =>
        {
            if (await _volume.HereAsync(node, directory.Key, cancellationToken) is { } here &&
                await _volume.WriteAsync(here, directory.Select(f => (Path.GetFileName(f.Path), f.Content)), (uid, gid), cancellationToken))
            {
                return;
            }

            var tar = new MemoryStream();
            await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var (path, content) in directory)
                {
                    await writer.WriteEntryAsync(
                        new PaxTarEntry(TarEntryType.RegularFile, Path.GetFileName(path))
                        {
                            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                            Uid = uid,
                            Gid = gid,
                            ModificationTime = DateTimeOffset.UtcNow,
                            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                        },
                        cancellationToken);
                }
            }

            tar.Position = 0;
            await docker.Containers.ExtractArchiveToContainerAsync(Container(node), new CopyToContainerParameters { Path = directory.Key }, tar, cancellationToken);
        }));
    }

    public async Task CopyDirectoryInAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken)
    {
        var (uid, gid) = await OwnerAsync(node, cancellationToken);
        var pipe = new System.IO.Pipelines.Pipe();
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await using var output = pipe.Writer.AsStream();
                    await ContainerArchives.WriteDirectoryAsync(source, Path.GetFileName(target.TrimEnd('/')), uid, gid, output, cancellationToken);
                }
                catch (Exception e)
                {
                    await pipe.Writer.CompleteAsync(e);
                    throw;
                }
            },
            cancellationToken);
        try
        {
            await using var input = pipe.Reader.AsStream();
            await docker.Containers.ExtractArchiveToContainerAsync(Container(node), new CopyToContainerParameters { Path = Path.GetDirectoryName(target.TrimEnd('/'))! }, input, cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new LocalProviderException($"cannot copy {source} into container {Container(node)} of node '{node.Name}': {DockerErrors.Message(e)}");
        }
        finally
        {
            await producer;
        }
    }

    public async Task CopyDirectoryOutAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken)
    {
        ContainerArchiveResponse archive;
        try
        {
            archive = await docker.Containers.GetArchiveFromContainerAsync(Container(node), new ContainerPathStatParameters { Path = source }, statOnly: false, cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new LocalProviderException($"cannot copy {source} out of container {Container(node)} of node '{node.Name}': {DockerErrors.Message(e)}");
        }

        using var stream = archive.Stream ?? throw new LocalProviderException($"container {Container(node)} sent no archive of {source}");
        await ContainerArchives.ExtractDirectoryAsync(stream, target, cancellationToken);
    }

    /// <summary>
    /// The volume's own directory, which an engine on this machine keeps in its data root: the
    /// node's files are on the volume, so a reader here follows them there without an exec.
    /// </summary>
    public async Task<string> VisibleHereAsync(NodeDefinition node, string path, CancellationToken cancellationToken)
    {
        var volume = DockerNames.Volume(environment, node);
        if (!VolumeFiles.OnVolume(path))
        {
            throw new ArgumentException($"{path} is not on the node's volume (mounted at {DockerNames.MountPoint})", nameof(path));
        }

        var mountpoint = await _volume.MountpointAsync(node, cancellationToken) ?? throw new LocalProviderException(
            $"the docker engine keeps volume {volume} of node '{node.Name}' where this machine cannot read it (an engine on another machine or in a virtual one); " +
            "the binary-log archiver reads the nodes' binary logs there, so backup.archive needs the engine on this machine");

        var here = VolumeFiles.Join(mountpoint, path);
        try
        {
            _ = Directory.Exists(here) ? Directory.EnumerateFileSystemEntries(here).FirstOrDefault() : null;
        }
        catch (UnauthorizedAccessException)
        {
            throw new LocalProviderException($"{here}, node '{node.Name}''s {path} on volume {volume}, cannot be read by this process; run the tool as root, which docker environments need");
        }

        return here;
    }

    public async Task<string?> ReadFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken)
    {
        if (await _volume.HereAsync(node, path, cancellationToken) is { } here && !Directory.Exists(here))
        {
            return await VolumeFiles.ReadAsync(here, cancellationToken);
        }

        ContainerArchiveResponse archive;
        try
        {
            archive = await docker.Containers.GetArchiveFromContainerAsync(Container(node), new ContainerPathStatParameters { Path = path }, statOnly: false, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            // The API answers 404 for a missing path as for a missing container; the container was checked when the host was made.
            return null;
        }

        if (archive.Stream is not { } stream)
        {
            return null;
        }

        // The engine's chunked stream ends before the tar's final padding, which TarReader reads
        // to: take what arrives, then read the archive from memory.
        var copy = new MemoryStream();
        using (stream)
        {
            try
            {
                await stream.CopyToAsync(copy, cancellationToken);
            }
            catch (EndOfStreamException)
            {
                // The end of the chunked stream; the file's content arrived before it.
            }
        }

        copy.Position = 0;
        {
            using var reader = new TarReader(copy);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is not null)
                {
                    using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
                    return await text.ReadToEndAsync(cancellationToken);
                }
            }
        }

        return null;
    }

    public async Task DeleteFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken)
    {
        if (await _volume.HereAsync(node, path, cancellationToken) is { } here)
        {
            File.Delete(here);
            return;
        }

        await ExecCheckedAsync(node, Root, ["rm", "-f", "--", path], cancellationToken);
    }

    public async Task<bool> HasDataAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        await _volume.HereAsync(node, Paths(node).DataDir, cancellationToken) is { } here
            ? Directory.Exists(here)
            : (await ExecAsync(node, Root, ["test", "-d", Paths(node).DataDir], cancellationToken)).ExitCode == 0;

    public async Task<bool> DeleteNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        (await ExecCheckedAsync(node, Root, ["sh", "-c", "test -d \"$1\" || exit 0; rm -rf -- \"$1\" && echo deleted", "sh", Paths(node).NodeDir], cancellationToken)).StandardOutput.Contains("deleted", StringComparison.Ordinal);

    public async Task ResetNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        // The first step on a new node, so it also checks the image (the engine's account and
        // server program); the service user's ids come back with it, for the files written next.
        // The socket directory is the service user's too (mkdir: a container made before it was mounted).
        const string Script = """
            id -u "$2" >/dev/null 2>&1 && test -x "$3" || exit 3
            rm -rf -- "$1" && mkdir -p -- "$1" "$4" && chown "$2:" "$1" "$4" && chmod 700 "$1" "$4" && id -u "$2" && id -g "$2"
            """;
        var result = await ExecAsync(node, Root, ["sh", "-c", Script, "sh", Paths(node).NodeDir, _serviceUser, server.ContainerProgram, Paths(node).SocketDir], cancellationToken);
        if (result.ExitCode == ImageMismatch)
        {
            var image = EnvironmentLoader.DefaultImage(environment.Engine);
            throw new LocalProviderException(
                $"image {node.Image} of node '{node.Name}' has no '{_serviceUser}' account or no {server.ContainerProgram}; " +
                $"use an image of the engine's version with its standard layout ({image}, or orchestrator/{image} from scripts/setup.sh), then 'down --purge' and 'up'");
        }

        if (result.ExitCode != 0)
        {
            throw new ProcessFailedException(ProcessRunner.Describe(new ProcessSpec("sh", ["-c", Script]), result));
        }

        RememberOwner(node, result.StandardOutput);
    }

    /// <summary>
    /// Gives the node's socket directory to the service user, when a new container mounts a new
    /// directory over a node set up before (its volume kept; <see cref="ResetNodeDirAsync"/> does it for new nodes).
    /// </summary>
    public Task OwnSocketDirAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        ExecCheckedAsync(node, Root, ["sh", "-c", "mkdir -p \"$2\" && chown \"$1:\" \"$2\" && chmod 700 \"$2\"", "sh", _serviceUser, Paths(node).SocketDir], cancellationToken);

    public async Task<IReadOnlyList<int>> ServerProcessesAsync(NodeDefinition node, string directory, CancellationToken cancellationToken)
    {
        // Every process working in the directory whose program is a database server, as ProcessTable
        // does on this machine. Run as the service user: a container's root lacks CAP_SYS_PTRACE,
        // without which another user's /proc/PID/cwd cannot be read.
        const string Script = """
            for p in /proc/[0-9]*; do
              cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
              case "$cwd" in "$1"|"$1"/*) ;; *) continue ;; esac
              exe=$(readlink "$p/exe" 2>/dev/null) || continue
              case "${exe##*/}" in postgres|mariadbd) echo "${p#/proc/}" ;; esac
            done
            """;
        var result = await ExecCheckedAsync(node, _serviceUser, ["sh", "-c", Script, "sh", directory], cancellationToken);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToList();
    }

    public async Task<bool> ProcessExistsAsync(NodeDefinition node, int pid, CancellationToken cancellationToken) =>
        (await ExecAsync(node, Root, ["sh", "-c", "kill -0 \"$1\"", "sh", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken)).ExitCode == 0;

    public Task SignalAsync(NodeDefinition node, int pid, ProcessSignal signal, CancellationToken cancellationToken) =>
        ExecAsync(node, Root, ["sh", "-c", "kill -\"$1\" \"$2\"", "sh", signal == ProcessSignal.Kill ? "KILL" : "TERM", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken);

    public async Task<bool> IsInitializedAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (freshNodes.ContainsKey(node.Name))
        {
            return false;
        }

        var (marker, data) = (Paths(node).InNode("initialized"), Paths(node).DataDir);
        return await _volume.HereAsync(node, marker, cancellationToken) is { } markerHere && await _volume.HereAsync(node, data, cancellationToken) is { } dataHere
            ? File.Exists(markerHere) && Directory.Exists(dataHere)
            : (await ExecAsync(node, Root, ["test", "-f", marker, "-a", "-d", data], cancellationToken)).ExitCode == 0;
    }

    public async Task MarkInitializedAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await WriteFileAsync(node, Paths(node).InNode("initialized"), $"initialised {DateTimeOffset.UtcNow:O}\n", cancellationToken);
        freshNodes.TryRemove(node.Name, out _);
    }

    public async Task<string> LogTailAsync(NodeDefinition node, int lines, CancellationToken cancellationToken)
    {
        var result = await ExecAsync(node, Root, ["tail", "-n", lines.ToString(CultureInfo.InvariantCulture), Paths(node).LogFile], cancellationToken);
        return result.ExitCode == 0 ? Redactor.Redact(result.StandardOutput.TrimEnd()) : "(no log file)";
    }

    public string DescribeLog(NodeDefinition node) => $"{Paths(node).LogFile} in container {Container(node)}";

    private string Container(NodeDefinition node) => DockerNames.Container(environment, node);

    private async Task<(int Uid, int Gid)> OwnerAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        lock (_ownersGate)
        {
            if (_owners.TryGetValue(node.Name, out var known))
            {
                return known;
            }
        }

        // The node's directory on the volume is the service user's (ResetNodeDirAsync).
        if (await _volume.HereAsync(node, Paths(node).NodeDir, cancellationToken) is { } nodeDir && Directory.Exists(nodeDir))
        {
            var (uid, gid) = Libc.OwnerOf(nodeDir);
            return RememberOwner(node, $"{uid}\n{gid}");
        }

        // Read from the image's account list rather than asked of a program: a killed container
        // (a fenced node) runs none, and its files are still written.
        var accounts = await ReadFileAsync(node, "/etc/passwd", cancellationToken) ?? "";
        var fields = accounts.Split('\n').Select(line => line.Split(':')).FirstOrDefault(f => f.Length > 3 && f[0] == _serviceUser)
            ?? throw new LocalProviderException($"the image of node '{node.Name}' has no '{_serviceUser}' account in /etc/passwd");
        return RememberOwner(node, $"{fields[2]}\n{fields[3]}");
    }

    /// <summary>Keeps the uid and gid printed on the last two lines of <paramref name="output"/>.</summary>
    private (int Uid, int Gid) RememberOwner(NodeDefinition node, string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var owner = (int.Parse(lines[^2], CultureInfo.InvariantCulture), int.Parse(lines[^1], CultureInfo.InvariantCulture));
        lock (_ownersGate)
        {
            _owners[node.Name] = owner;
        }

        return owner;
    }

    private async Task<ProcessResult> ExecCheckedAsync(NodeDefinition node, string user, IReadOnlyList<string> command, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var result = await ExecAsync(node, user, command, cancellationToken, workingDirectory: workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new ProcessFailedException(ProcessRunner.Describe(new ProcessSpec(command[0], command.Skip(1).ToList()), result));
        }

        return result;
    }

    private async Task<ProcessResult> ExecAsync(
        NodeDefinition node,
        string user,
        IReadOnlyList<string> command,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? variables = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            var parameters = new ContainerExecCreateParameters
            {
                Cmd = command.ToList(),
                User = user,
                Env = variables?.Select(v => $"{v.Key}={v.Value}").ToList() ?? [],
                AttachStdout = true,
                AttachStderr = true,
            };
            if (workingDirectory is not null)
            {
                parameters.WorkingDir = workingDirectory;
            }

            var exec = await docker.Exec.CreateContainerExecAsync(Container(node), parameters, limit.Token);
            string stdout, stderr;
            using (var stream = await docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters { Detach = false }, limit.Token))
            {
                (stdout, stderr) = await stream.ReadOutputToEndAsync(limit.Token);
            }

            var inspected = await docker.Exec.InspectContainerExecAsync(exec.ID, limit.Token);
            return new ProcessResult((int)(inspected.ExitCode ?? -1), stdout, stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProcessFailedException($"{command[0]} in container {Container(node)} did not finish within {(timeout ?? TimeSpan.FromMinutes(10)).TotalSeconds:0} s");
        }
        catch (DockerApiException e)
        {
            throw new LocalProviderException($"cannot run {command[0]} in container {Container(node)} of node '{node.Name}': {DockerErrors.Message(e)}");
        }
    }
}
