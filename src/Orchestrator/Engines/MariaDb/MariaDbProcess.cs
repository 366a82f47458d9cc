using Orchestrator.Progress;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Replication;
using Orchestrator.Hosts;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Supervision of a node's mariadbd on its host: whether it runs, starting it (until its socket admits the tool), stopping and killing it.</summary>
internal sealed class MariaDbProcess(LocalContext context, MariaDbNodeFiles files, MariaDbSetupSql sql) : INodeSupervision
{
    public async Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (!await files.Host.IsInitializedAsync(node, cancellationToken))
        {
            return LocalNodeState.NotInitialized;
        }

        return await files.ReadPidAsync(node, cancellationToken) is not { } pid ? LocalNodeState.Stopped
            : await IsServerAsync(node, pid, cancellationToken) ? LocalNodeState.Running
            : LocalNodeState.Crashed;
    }

    public Task StartAsync(NodeDefinition node, CancellationToken cancellationToken) => StartAsync(node, [], cancellationToken);

    /// <summary>Writes the node's option file and starts it with <paramref name="options"/> besides.</summary>
    public async Task StartAsync(NodeDefinition node, IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await files.WriteConfigAsync(node, cancellationToken);
        await StartServerAsync(node, $"start on {node.Endpoint}", options, cancellationToken);
    }

    /// <summary>Starts mariadbd with the node's option file plus <paramref name="options"/>, and waits until its socket admits the tool.</summary>
    public async Task StartServerAsync(NodeDefinition node, string step, IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, step, async () =>
        {
            var paths = files.Paths(node);
            await files.Host.DeleteFileAsync(node, paths.InNode(MariaDbConfigFiles.PidFileName), cancellationToken);
            await files.Host.StartDetachedAsync(
                node,
                new ProcessSpec(files.Server.Path("mariadbd"), [$"--defaults-file={files.ConfigFile(node)}", .. options]),
                paths.LogFile,
                cancellationToken);
            var attempts = 0;
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
                        // A server that died at start (a bad option, a taken port) is reported at once, not after the timeout.
                        if (++attempts % 20 == 0 && await files.ReadPidAsync(node, cancellationToken) is null && (await files.Host.ServerProcessesAsync(node, paths.DataDir, cancellationToken)).Count == 0)
                        {
                            throw new LocalProviderException($"node '{node.Name}' stopped while starting; see {files.LogFile(node)}:\n{await files.LogTailAsync(node, cancellationToken)}");
                        }

                        return false;
                    }
                },
                TimeSpan.FromSeconds(120),
                () => $"node '{node.Name}' did not accept connections within 120 s; see {files.LogFile(node)}",
                cancellationToken);
        });
    }

    public async Task StopAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, "stop (clean shutdown)", async () =>
        {
            if (await files.ReadPidAsync(node, cancellationToken) is not { } pid || !await IsServerAsync(node, pid, cancellationToken))
            {
                return;
            }

            await files.Host.SignalAsync(node, pid, ProcessSignal.Terminate, cancellationToken);
            await Poll.UntilAsync(
                async () => !await files.Host.ProcessExistsAsync(node, pid, cancellationToken),
                TimeSpan.FromSeconds(120),
                () => $"node '{node.Name}' (pid {pid}) did not stop within 120 s; see {files.LogFile(node)}",
                cancellationToken);
        });
    }

    /// <summary>Kills the server outright, if it runs: its data is about to be deleted, or it is being fenced.</summary>
    public async Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await files.ReadPidAsync(node, cancellationToken) is { } pid && await IsServerAsync(node, pid, cancellationToken))
        {
            await files.Host.SignalAsync(node, pid, ProcessSignal.Kill, cancellationToken);
            await Poll.UntilAsync(async () => !await files.Host.ProcessExistsAsync(node, pid, cancellationToken), TimeSpan.FromSeconds(30), () => $"node '{node.Name}' (pid {pid}) did not stop", cancellationToken);
        }
    }

    /// <summary>A mariadbd working in the node's data directory (a pid file can outlive its server, and pids are reused).</summary>
    private async Task<bool> IsServerAsync(NodeDefinition node, int pid, CancellationToken cancellationToken) =>
        (await files.Host.ServerProcessesAsync(node, files.DataDir(node), cancellationToken)).Contains(pid);
}
