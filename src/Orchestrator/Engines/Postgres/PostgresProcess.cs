using Orchestrator.Progress;
using Orchestrator.Environments;
using Orchestrator.Replication;
using Orchestrator.Hosts;

namespace Orchestrator.Engines.Postgres;

/// <summary>Supervision of a PostgreSQL node's postmaster on its host: whether it runs, starting it (waiting until it accepts connections), stopping and killing it.</summary>
internal sealed class PostgresProcess(PostgresNodeFiles files, LocalContext context) : INodeSupervision
{
    public async Task<LocalNodeState> GetStateAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (!await files.Host.IsInitializedAsync(node, cancellationToken))
        {
            return LocalNodeState.NotInitialized;
        }

        // Read postmaster.pid ourselves rather than ask pg_ctl: where PID 1 does not reap
        // orphans (containers without an init), a killed postmaster lingers as a zombie that
        // pg_ctl still counts as running.
        if (await PostmasterPidAsync(node, cancellationToken) is not { } pid)
        {
            return LocalNodeState.Stopped;
        }

        return await IsServerAsync(node, pid, cancellationToken) ? LocalNodeState.Running : LocalNodeState.Crashed;
    }

    /// <summary>Writes the node's configuration and starts it; a replica of the shape always starts as a standby.</summary>
    public async Task StartAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        // A node the live shape makes a replica never starts as a primary, whatever happened to
        // its data directory in between (an interrupted rejoin, a former primary).
        await files.WriteConfigAsync(node, cancellationToken, standby: node.Role == NodeRole.Replica);

        await StartServerAsync(node, $"start on {node.Endpoint}", [], cancellationToken);
    }

    /// <summary>Starts the postmaster with the configuration on disk plus <paramref name="settings"/> (name, value) given on its command line.</summary>
    public async Task StartServerAsync(NodeDefinition node, string step, IReadOnlyList<(string Name, string Value)> settings, CancellationToken cancellationToken)
    {
        await context.Progress.StepAsync(node.Name, step, async () =>
        {
            await ClearStaleLockAsync(node, cancellationToken);
            var log = files.Host.Paths(node).LogFile;
            // After a SIGKILL the old server's children can hold its shared memory for a moment;
            // the new postmaster then exits at once, and a short retry succeeds once they are gone.
            for (var attempt = 1; ; attempt++)
            {
                var options = string.Join(' ', settings.Select(o => $"-c {o.Name}={PostgresSql.Literal(o.Value)}"));
                var spec = settings.Count == 0
                    ? files.PgCtl(node, "start", "-W", "-l", log)
                    : files.PgCtl(node, "start", "-W", "-l", log, "-o", options);
                var result = await files.Host.RunAsync(node, spec with { FileName = "setsid", Arguments = ["-w", spec.FileName, .. spec.Arguments] }, cancellationToken);
                if (result.ExitCode == 0 && await WaitUntilAcceptingAsync(node, cancellationToken))
                {
                    return;
                }

                if (attempt == 5)
                {
                    throw new LocalProviderException($"node '{node.Name}' did not start; see {files.LogFile(node)}:\n{await files.Host.LogTailAsync(node, 10, cancellationToken)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
            }
        });
    }

    /// <summary>
    /// A fast shutdown: clients are disconnected, and a primary waits until connected standbys
    /// have received all WAL, so a primary stopped before its replicas leaves them complete.
    /// </summary>
    public Task StopAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        context.Progress.StepAsync(node.Name, "stop (fast shutdown)", () => files.RunAsync(node, files.PgCtl(node, "stop", "-m", "fast", "-w", "-t", "120"), cancellationToken));

    public async Task DiscardAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
        {
            // Immediate mode skips the shutdown checkpoint but still releases shared memory, which a SIGKILL would leak.
            await files.RunAsync(node, files.PgCtl(node, "stop", "-m", "immediate", "-w", "-t", "60"), cancellationToken);
        }
    }

    /// <summary>Kills a running postmaster outright (it may hang), waits until it is gone, and kills what is left of its server.</summary>
    public async Task KillAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await GetStateAsync(node, cancellationToken) == LocalNodeState.Running && await PostmasterPidAsync(node, cancellationToken) is { } pid)
        {
            await files.Host.SignalAsync(node, pid, ProcessSignal.Kill, cancellationToken);
            await Poll.UntilAsync(async () => !await IsServerAsync(node, pid, cancellationToken), TimeSpan.FromSeconds(30), () => $"node '{node.Name}' (pid {pid}) did not stop", cancellationToken);
        }

        // Each backend is a process group of its own, and notices its postmaster's death only
        // while it runs: those of a frozen (stopped) server would keep the data directory forever.
        foreach (var orphan in await files.Host.ServerProcessesAsync(node, files.DataDir(node), cancellationToken))
        {
            await files.Host.SignalAsync(node, orphan, ProcessSignal.Kill, cancellationToken);
        }
    }

    /// <summary>
    /// After an unclean stop, waits until no process of the old server still works in the data
    /// directory (its children notice the postmaster's death within moments), then removes the
    /// lock file the dead postmaster left, which PostgreSQL would otherwise refuse if its pid
    /// lingers as a zombie.
    /// </summary>
    public async Task ClearStaleLockAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var data = files.DataDir(node);
        if (await PostmasterPidAsync(node, cancellationToken) is not { } pid || await IsServerAsync(node, pid, cancellationToken))
        {
            return;
        }

        await Poll.UntilAsync(
            async () => (await files.Host.ServerProcessesAsync(node, data, cancellationToken)).Count == 0,
            TimeSpan.FromSeconds(60),
            () => $"processes of the previous server of '{node.Name}' still run in {data}; stop them first",
            cancellationToken);
        await files.Host.DeleteFileAsync(node, files.InData(node, "postmaster.pid"), cancellationToken);
    }

    /// <summary>
    /// Waits for the status PostgreSQL writes on line 8 of postmaster.pid ("ready" on a primary,
    /// "standby" on a hot standby), checking every few milliseconds rather than pg_ctl -w's
    /// tenth of a second. False when the postmaster died first.
    /// </summary>
    private async Task<bool> WaitUntilAcceptingAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var deadline = started + TimeSpan.FromSeconds(120);
        var lastAliveCheck = started;
        int? postmaster = null;
        while (DateTime.UtcNow < deadline)
        {
            // PostgreSQL rewrites this file while starting, so a read may see it empty or partial:
            // only the disappearance of the postmaster we saw means it stopped.
            string[] lines;
            try
            {
                lines = (await files.Host.ReadFileAsync(node, files.InData(node, "postmaster.pid"), cancellationToken))?.Split('\n') ?? [];
            }
            catch (IOException)
            {
                lines = [];
            }

            if (lines.Length > 0 && int.TryParse(lines[0], System.Globalization.CultureInfo.InvariantCulture, out var pid))
            {
                postmaster = pid;
            }

            if (lines.Length >= 8 && lines[7].Trim() is "ready" or "standby")
            {
                return true;
            }

            // Whether the postmaster died is asked less often than the file is read: in a container
            // each question is an exec, which costs as much as the whole start of a standby.
            if (postmaster is { } seen && DateTime.UtcNow - lastAliveCheck > TimeSpan.FromMilliseconds(200))
            {
                lastAliveCheck = DateTime.UtcNow;
                if (!await files.Host.ProcessExistsAsync(node, seen, cancellationToken))
                {
                    return false;
                }
            }
            else if (postmaster is null && DateTime.UtcNow - started > TimeSpan.FromSeconds(15))
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }

        throw new LocalProviderException($"node '{node.Name}' did not accept connections within 120 s; see {files.LogFile(node)}");
    }

    private async Task<bool> IsServerAsync(NodeDefinition node, int pid, CancellationToken cancellationToken) =>
        (await files.Host.ServerProcessesAsync(node, files.DataDir(node), cancellationToken)).Contains(pid);

    private async Task<int?> PostmasterPidAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var text = await files.Host.ReadFileAsync(node, files.InData(node, "postmaster.pid"), cancellationToken);
        var first = text?.Split('\n')[0];
        return int.TryParse(first, System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }
}
