using Orchestrator.Backups;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Topology;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Creating a node from a physical backup (mariadb-backup's prepared copy of a replica).</summary>
internal sealed partial class MariaDbLocalServer
{
    /// <summary>
    /// Copies the prepared data in and starts it once without grant tables or networking, to
    /// give it this environment's accounts (the copy holds the source's), then normally.
    /// </summary>
    public async Task RestorePhysicalAsync(NodeDefinition node, string backupDirectory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var nodeDir = context.State.NodeDir(node);
        if (Directory.Exists(nodeDir))
        {
            Directory.Delete(nodeDir, recursive: true);
        }

        Directory.CreateDirectory(nodeDir);
        await context.Progress.StepAsync(node.Name, "copy the backup's prepared data directory", () =>
            ProcessRunner.RunCheckedAsync(new ProcessSpec("cp", ["-a", "--", Path.Combine(backupDirectory, MariaDbBackups.DataDirectory), context.State.DataDir(node)]) { Timeout = TimeSpan.FromHours(24) }, cancellationToken));
        await WriteConfigAsync(node, cancellationToken);
        await context.User.TakeOwnershipAsync(nodeDir, cancellationToken);
        await StartServerAsync(node, "start without grant tables or networking", ["--skip-grant-tables", "--skip-networking", "--skip-slave-start"], cancellationToken);
        await context.Progress.StepAsync(node.Name, "set this environment's accounts", async () =>
        {
            await using var session = await LocalRootSessionAsync(node, cancellationToken);
            // The copy's own history starts at the backup's position; this setup is not part of it.
            await session.ExecuteAsync("SET SESSION sql_log_bin = 0", cancellationToken: cancellationToken);
            await session.ExecuteAsync("FLUSH PRIVILEGES", cancellationToken: cancellationToken);
            await session.ExecuteAsync("CREATE OR REPLACE USER ?@'localhost' IDENTIFIED VIA unix_socket", [System.Environment.UserName], cancellationToken);
            await session.ExecuteAsync("GRANT ALL PRIVILEGES ON *.* TO ?@'localhost' WITH GRANT OPTION", [System.Environment.UserName], cancellationToken);
            await CreateAccountsAsync(session, cancellationToken);
            await session.ExecuteAsync("RESET SLAVE ALL", cancellationToken: cancellationToken);
            await session.ExecuteAsync("RESET MASTER", cancellationToken: cancellationToken);
            await session.ExecuteAsync("SET GLOBAL gtid_slave_pos = ''", cancellationToken: cancellationToken);
            if (manifest.Position.Length > 0)
            {
                await session.ExecuteAsync("SET GLOBAL gtid_binlog_state = ?", [manifest.Position], cancellationToken);
            }
        });
        await StopAsync(node, cancellationToken);
        await StartAsync(node, cancellationToken);
        context.State.MarkInitialized(node);
    }
}
