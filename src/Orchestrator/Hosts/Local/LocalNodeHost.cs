using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.Processes;
using Orchestrator.State;

namespace Orchestrator.Hosts.Local;

/// <summary>
/// This machine: a node's files live under the state directory, owned by the service user and
/// private to it, and its programs run as that user. Servers see each other at the addresses
/// of the environment file.
/// </summary>
internal sealed class LocalNodeHost(StateLayout state, ServiceUser user) : INodeHost
{
    public NodePaths Paths(NodeDefinition node) => new(state.NodeDir(node), state.DataDir(node), state.LogFile(node), state.NodeDir(node));

    public string SocketForTool(NodeDefinition node, string name) => Paths(node).InSocketDir(name);

    public EnvironmentDefinition ServerView(EnvironmentDefinition environment) => environment;

    public IReadOnlyList<string> NamesOf(NodeDefinition node) => [node.Host, "localhost"];

    public Task<ProcessResult> RunAsync(NodeDefinition node, ProcessSpec spec, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(spec with { RunAs = user.RunAs }, cancellationToken);

    public Task StartDetachedAsync(NodeDefinition node, ProcessSpec spec, string logFile, CancellationToken cancellationToken) =>
        ProcessRunner.StartDetachedAsync(spec with { RunAs = user.RunAs }, logFile, cancellationToken);

    public async Task WriteFileAsync(NodeDefinition node, string path, string content, CancellationToken cancellationToken)
    {
        await using (var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await user.TakeOwnershipAsync(path, cancellationToken);
    }

    public async Task EnsurePrivateDirectoryAsync(NodeDefinition node, string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await user.TakeOwnershipAsync(path, cancellationToken);
        await user.EnsureCanEnterAsync(path, cancellationToken);
    }

    public async Task WriteFilesAsync(NodeDefinition node, IReadOnlyList<(string Path, string Content)> files, CancellationToken cancellationToken)
    {
        foreach (var (path, content) in files)
        {
            await WriteFileAsync(node, path, content, cancellationToken);
        }
    }

    public async Task CopyDirectoryInAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken)
    {
        await ProcessRunner.RunCheckedAsync(new ProcessSpec("cp", ["-a", "--", source, target]) { Timeout = TimeSpan.FromHours(24) }, cancellationToken);
        await user.TakeOwnershipAsync(target, cancellationToken);
    }

    public Task CopyDirectoryOutAsync(NodeDefinition node, string source, string target, CancellationToken cancellationToken) =>
        ProcessRunner.RunCheckedAsync(new ProcessSpec("cp", ["-a", "--", source, target]) { Timeout = TimeSpan.FromHours(24) }, cancellationToken);

    public Task<string> VisibleHereAsync(NodeDefinition node, string path, CancellationToken cancellationToken) => Task.FromResult(path);

    public async Task<string?> ReadFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteFileAsync(NodeDefinition node, string path, CancellationToken cancellationToken)
    {
        File.Delete(path);
        return Task.CompletedTask;
    }

    public Task<bool> HasDataAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.FromResult(Directory.Exists(state.DataDir(node)));

    public Task<bool> DeleteNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var nodeDir = state.NodeDir(node);
        if (!Directory.Exists(nodeDir))
        {
            return Task.FromResult(false);
        }

        Directory.Delete(nodeDir, recursive: true);
        return Task.FromResult(true);
    }

    public async Task ResetNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var nodeDir = state.NodeDir(node);
        if (Directory.Exists(nodeDir))
        {
            Directory.Delete(nodeDir, recursive: true);
        }

        Directory.CreateDirectory(nodeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await user.TakeOwnershipAsync(nodeDir, cancellationToken);
    }

    public Task<IReadOnlyList<int>> ServerProcessesAsync(NodeDefinition node, string directory, CancellationToken cancellationToken) =>
        Task.FromResult(ProcessTable.WorkingIn(directory));

    public Task<bool> ProcessExistsAsync(NodeDefinition node, int pid, CancellationToken cancellationToken) => Task.FromResult(Libc.ProcessExists(pid));

    public Task SignalAsync(NodeDefinition node, int pid, ProcessSignal signal, CancellationToken cancellationToken)
    {
        if (!Libc.ProcessExists(pid))
        {
            return Task.CompletedTask;
        }

        if (signal == ProcessSignal.Kill && Libc.GetProcessGroup(pid) is var group and > 1 && group != Libc.GetProcessGroup(0))
        {
            // The server was started in a session of its own; its whole group goes: PostgreSQL's
            // backends and the runuser before it, which a frozen (stopped) group would otherwise
            // keep forever, since only the server itself would die.
            Libc.Kill(-group, Libc.SigKill);
        }

        Libc.Kill(pid, signal == ProcessSignal.Kill ? Libc.SigKill : Libc.SigTerm);
        return Task.CompletedTask;
    }

    public Task<bool> IsInitializedAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.FromResult(state.IsInitialized(node));

    public Task MarkInitializedAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        state.MarkInitialized(node);
        return Task.CompletedTask;
    }

    public Task<string> LogTailAsync(NodeDefinition node, int lines, CancellationToken cancellationToken)
    {
        var log = state.LogFile(node);
        return Task.FromResult(File.Exists(log) ? Redactor.Redact(string.Join('\n', File.ReadLines(log).TakeLast(lines))) : "(no log file)");
    }

    public string DescribeLog(NodeDefinition node) => state.LogFile(node);
}
