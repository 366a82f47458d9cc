using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Processes;
using Orchestrator.Topology;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Supervision of a local node's mariadbd: whether it runs, starting it (until its socket admits the tool), stopping and killing it.</summary>
internal sealed class MariaDbProcess(LocalContext context, MariaDbNodeFiles files, MariaDbSetupSql sql) : INodeSupervision
{
    public Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.FromResult(GetState(node));

    public LocalNodeState GetState(NodeDefinition node)
    {
        if (!context.State.IsInitialized(node))
        {
            return LocalNodeState.NotInitialized;
        }

        return files.ReadPid(node) is not { } pid ? LocalNodeState.Stopped
            : IsServerProcess(pid) ? LocalNodeState.Running
            : LocalNodeState.Crashed;
    }

    public async Task StartAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await files.WriteConfigAsync(node, cancellationToken);
        await StartServerAsync(node, $"start on {node.Endpoint}", [], cancellationToken);
    }

    /// <summary>Starts mariadbd with the node's option file plus <paramref name="options"/>, and waits until its socket admits the tool.</summary>
    public async Task StartServerAsync(NodeDefinition node, string step, IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, step, async () =>
        {
            File.Delete(MariaDbConfigFiles.PidFile(files.NodeDir(node)));
            await ProcessRunner.StartDetachedAsync(
                new ProcessSpec(files.Binaries.Path("mariadbd"), [$"--defaults-file={files.ConfigFile(node)}", .. options]) { RunAs = context.User.RunAs },
                files.LogFile(node),
                cancellationToken);
            await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
                        return true;
                    }
                    catch (DatabaseException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(120),
                () => $"node '{node.Name}' did not accept connections within 120 s; see {files.LogFile(node)}:\n{files.LogTail(node)}",
                cancellationToken);
        });
    }

    public async Task StopAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, "stop (clean shutdown)", async () =>
        {
            if (files.ReadPid(node) is not { } pid || !IsServerProcess(pid))
            {
                return;
            }

            Libc.Kill(pid, Libc.SigTerm);
            await Poll.UntilAsync(
                () => Task.FromResult(!Libc.ProcessExists(pid)),
                TimeSpan.FromSeconds(120),
                () => $"node '{node.Name}' (pid {pid}) did not stop within 120 s; see {files.LogFile(node)}",
                cancellationToken);
        });
    }

    /// <summary>Kills the server outright, if it runs: its data is about to be deleted, or it is being fenced.</summary>
    public async Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (files.ReadPid(node) is { } pid && IsServerProcess(pid))
        {
            Libc.Kill(pid, Libc.SigKill);
            await Poll.UntilAsync(() => Task.FromResult(!Libc.ProcessExists(pid)), TimeSpan.FromSeconds(30), () => $"node '{node.Name}' (pid {pid}) did not stop", cancellationToken);
        }
    }

    private static bool IsServerProcess(int pid)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        return Libc.ProcessExists(pid) && File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("mariadbd", StringComparison.Ordinal);
    }
}
