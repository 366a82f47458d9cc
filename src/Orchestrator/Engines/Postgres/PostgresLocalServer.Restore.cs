using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Processes;
using Orchestrator.Topology;

namespace Orchestrator.Engines.Postgres;

/// <summary>Creating a node from a physical backup (pg_basebackup's copy of a paused replica).</summary>
internal sealed partial class PostgresLocalServer
{
    /// <summary>
    /// Recovers the copy to exactly the backup's recorded position and promotes it. Until this
    /// environment's passwords are set, the server listens on no TCP address, only on a socket
    /// in the node's directory that only the service user and root can enter.
    /// </summary>
    public async Task RestorePhysicalAsync(NodeDefinition node, string backupDirectory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var nodeDir = await PrepareNodeDirAsync(node, cancellationToken);
        var data = context.State.DataDir(node);
        await context.Progress.StepAsync(node.Name, "copy the backup's data directory", () =>
            ProcessRunner.RunCheckedAsync(new ProcessSpec("cp", ["-a", "--", Path.Combine(backupDirectory, PostgresBackups.DataDirectory), data]) { Timeout = TimeSpan.FromHours(24) }, cancellationToken));
        await context.User.TakeOwnershipAsync(nodeDir, cancellationToken);
        File.SetUnixFileMode(nodeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var stale in new[] { "standby.signal", "recovery.signal", "postmaster.pid", "backup_manifest" })
        {
            File.Delete(Path.Combine(data, stale));
        }

        await WriteConfigAsync(node, cancellationToken);
        await WriteOwnedAsync(Path.Combine(data, "pg_hba.conf"), "# Restoring: only local socket connections, until the accounts are set.\nlocal all all trust\n", cancellationToken);
        await WriteOwnedAsync(Path.Combine(data, "recovery.signal"), "", cancellationToken);
        // The backup's position is the end of the last record the source had replayed. When
        // more WAL follows it, recovery stops just before the next record; otherwise the WAL
        // ends there and recovery ends with it.
        List<(string, string)> settings = await PostgresBackups.WalContinuesAfterAsync(Binaries, Path.Combine(data, "pg_wal"), manifest.Position, cancellationToken)
            ? [("recovery_target_lsn", manifest.Position), ("recovery_target_inclusive", "off"), ("recovery_target_action", "promote")]
            : [];
        await StartServerAsync(node, $"recover to {manifest.Position} and promote", [
            .. settings,

            // Archive recovery insists on a restore_command; everything it needs is in pg_wal.
            ("restore_command", "false"),
            ("listen_addresses", ""),
            ("unix_socket_directories", nodeDir),
            ("unix_socket_permissions", "0700"),
            ("synchronous_standby_names", ""),
        ], cancellationToken);

        var socket = new ConnectionTarget(nodeDir, node.Port, manifest.AdminUser ?? context.Credentials.AdminUser, null, "postgres");
        await context.Progress.StepAsync(node.Name, "set this environment's accounts", async () =>
        {
            await using var session = await engine.ConnectAsync(socket, cancellationToken);
            await Poll.UntilAsync(
                async () => (await session.QueryAsync("SELECT pg_is_in_recovery() AS r", cancellationToken: cancellationToken)).Single().GetBoolean("r") == false,
                TimeSpan.FromMinutes(30),
                () => $"node '{node.Name}' did not finish recovering to {manifest.Position}; see {context.State.LogFile(node)}",
                cancellationToken);
            await UpsertRoleAsync(session, context.Credentials.AdminUser, "SUPERUSER LOGIN", context.Credentials.AdminPassword, cancellationToken);
            await CreateReplicationRoleAsync(session, cancellationToken);
            foreach (var slot in await session.QueryAsync("SELECT slot_name FROM pg_replication_slots", cancellationToken: cancellationToken))
            {
                await session.ExecuteAsync("SELECT pg_drop_replication_slot($1)", [slot.GetString("slot_name")], cancellationToken);
            }
        });
        await StopAsync(node, cancellationToken);
        await StartAsync(node, cancellationToken);
        context.State.MarkInitialized(node);
    }
}
