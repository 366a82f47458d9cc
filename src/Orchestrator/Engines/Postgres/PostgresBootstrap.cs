using Orchestrator.Progress;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>Creating local PostgreSQL nodes: an empty primary (initdb), a replica cloned from its source (pg_basebackup), a node from a physical backup.</summary>
internal sealed class PostgresBootstrap(PostgresEngine engine, LocalContext context, PostgresNodeFiles files, PostgresSetupSql sql, PostgresProcess process) : INodeBootstrap
{
    public async Task InitializePrimaryAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await files.PrepareNodeDirAsync(node, cancellationToken);
        var pwfile = files.Host.Paths(node).InNode("initdb.pw");
        await files.WriteOwnedAsync(node, pwfile, context.Credentials.AdminPassword.Reveal() + "\n", cancellationToken);
        try
        {
            await context.Progress.StepAsync(node.Name, "initdb", () => files.RunAsync(node, new ProcessSpec(files.Binaries.Path("initdb"), [
                "-D", files.DataDir(node),
                "-U", context.Credentials.AdminUser,
                $"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "-E", "UTF8",
                "--no-locale",
            ]), cancellationToken));
        }
        finally
        {
            await files.Host.DeleteFileAsync(node, pwfile, CancellationToken.None);
        }

        // The start writes the node's configuration.
        await process.StartAsync(node, cancellationToken);
        await context.Progress.StepAsync(node.Name, "create replication role", () => sql.CreateReplicationRoleAsync(node, cancellationToken));
        await files.Host.MarkInitializedAsync(node, cancellationToken);
    }

    public async Task EnsureDatabaseAsync(NodeDefinition primary, CancellationToken cancellationToken)
    {
        var database = context.Environment.Database;
        await using var session = await sql.SessionAsync(primary, cancellationToken);
        if ((await session.QueryAsync("SELECT 1 FROM pg_database WHERE datname = $1", [database], cancellationToken)).Count == 0)
        {
            await context.Progress.StepAsync(primary.Name, $"create database '{database}'", () =>
                session.ExecuteAsync($"CREATE DATABASE {PostgresSql.Identifier(database)}", cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// The source's pg_hba.conf, written from this environment, admits the replica: a replica
    /// added to the file of a running environment is not in the rules the source started with.
    /// </summary>
    private async Task AdmitAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        await files.WriteConfigAsync(source, cancellationToken);
        await using var session = await sql.SessionAsync(source, cancellationToken);
        await session.ExecuteAsync("SELECT pg_reload_conf()", cancellationToken: cancellationToken);
    }

    public async Task BootstrapReplicaAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        var nodeDir = await files.PrepareNodeDirAsync(node, cancellationToken);
        await files.WriteReplicationPassfileAsync(node, source, cancellationToken);
        await AdmitAsync(node, source, cancellationToken);
        await sql.CreateSlotAsync(node, source, cancellationToken);
        var from = files.Addressed(source);
        await context.Progress.StepAsync(node.Name, $"pg_basebackup from {source.Name}", () => files.RunAsync(
            node,
            new ProcessSpec(files.Binaries.Path("pg_basebackup"), [
                "-h", from.Host, "-p", from.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-U", context.Credentials.ReplicationUser, "--no-password",
                "-D", files.DataDir(node),
                "-X", "stream", "-c", "fast", "-S", node.SlotName,
            ])
            {
                Environment = new Dictionary<string, string>(files.ClientTlsEnvironment(node)) { ["PGPASSFILE"] = files.Passfile(node), ["PGAPPNAME"] = node.Name },
                WorkingDirectory = nodeDir,
            },
            cancellationToken));
        // The start writes the node's configuration and its standby.signal.
        await process.StartAsync(node, cancellationToken);
        await files.Host.MarkInitializedAsync(node, cancellationToken);
    }

    /// <summary>A session over the restored server's socket; a server that ended meanwhile (recovery failed) is explained from its log.</summary>
    private async Task<IDbSession> ConnectAfterStartAsync(NodeDefinition node, ConnectionTarget socket, PhysicalCopy copy, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.ConnectAsync(socket, cancellationToken);
        }
        catch (DatabaseException e)
        {
            var what = copy.Replay is { } replay ? $"replay of the archive to {replay.Target}" : $"recovery to {copy.Position}";
            throw new LocalProviderException($"{what} ended the server on '{node.Name}' ({e.Message}); its log says:\n{await files.Host.LogTailAsync(node, 20, cancellationToken)}");
        }
    }

    /// <summary>
    /// Recovers the copy to exactly the backup's recorded position and promotes it. Until this
    /// environment's passwords are set, the server listens on no TCP address, only on a socket
    /// in the node's socket directory that only the service user and root can enter (in a
    /// container, the directory of the state directory mounted there).
    /// </summary>
    public async Task<RecoveryPoint?> RestorePhysicalAsync(NodeDefinition node, PhysicalCopy copy, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await files.PrepareNodeDirAsync(node, cancellationToken);
        var data = files.DataDir(node);
        var copied = Path.Combine(copy.BackupDirectory, PostgresBackups.DataDirectory);
        await context.Progress.StepAsync(node.Name, "copy the backup's data directory", () => files.Host.CopyDirectoryInAsync(node, copied, data, cancellationToken));
        foreach (var stale in new[] { "standby.signal", "recovery.signal", "postmaster.pid", "backup_manifest" })
        {
            await files.Host.DeleteFileAsync(node, files.InData(node, stale), cancellationToken);
        }

        await files.WriteConfigAsync(node, cancellationToken);
        await files.WriteOwnedAsync(node, files.InData(node, "pg_hba.conf"), "# Restoring: only local socket connections, until the accounts are set.\nlocal all all trust\n", cancellationToken);
        await files.WriteOwnedAsync(node, files.InData(node, "recovery.signal"), "", cancellationToken);

        // The backup's position is the end of the last record the source had replayed. When
        // more WAL follows it, recovery stops just before the next record; otherwise the WAL
        // ends there and recovery ends with it. The copy's WAL is read here, by this machine's pg_waldump.
        var waldump = context.InContainers ? await PostgresBinaries.LocateAsync(context.Environment.Local, cancellationToken) : files.Binaries;
        IReadOnlyList<(string, string)> settings = copy.Replay is { } replay
            ? PostgresArchiveReplay.Settings(replay)
            : await PostgresBackups.WalContinuesAfterAsync(waldump, Path.Combine(copied, "pg_wal"), copy.Position, cancellationToken)
                ? [("recovery_target_lsn", copy.Position), ("recovery_target_inclusive", "off"), ("recovery_target_action", "promote"), ("restore_command", "false")]

                // Archive recovery insists on a restore_command; everything it needs is in pg_wal.
                : [("restore_command", "false")];
        var socketDir = files.Host.Paths(node).SocketDir;
        RecoveryPoint? reached = null;
        await process.StartServerAsync(node, copy.Replay is { } target ? $"replay the archive to {target.Target}" : $"recover to {copy.Position} and promote", [
            .. settings,
            ("listen_addresses", ""),
            ("unix_socket_directories", socketDir),
            ("unix_socket_permissions", "0700"),
            ("synchronous_standby_names", ""),
            .. copy.Disposable ? [("fsync", "off")] : Array.Empty<(string, string)>(),
        ], cancellationToken);

        var addressed = files.Addressed(node);
        var socket = new ConnectionTarget(Path.GetDirectoryName(files.Host.SocketForTool(node, $".s.PGSQL.{addressed.Port}"))!, addressed.Port, copy.SourceAdminUser ?? context.Credentials.AdminUser, null, "postgres");
        await context.Progress.StepAsync(node.Name, "set this environment's accounts", async () =>
        {
            await using var session = await ConnectAfterStartAsync(node, socket, copy, cancellationToken);
            if (copy.Replay is { } replay)
            {
                reached = await PostgresArchiveReplay.ReachAsync(session, replay, waldump, copied, clock, () => files.Host.LogTailAsync(node, 20, cancellationToken), cancellationToken);
            }

            await Poll.UntilAsync(
                async () => (await session.QueryAsync("SELECT pg_is_in_recovery() AS r", cancellationToken: cancellationToken)).Single().GetBoolean("r") == false,
                TimeSpan.FromMinutes(30),
                () => $"node '{node.Name}' did not finish recovering to {copy.Position}; see {files.LogFile(node)}",
                cancellationToken);
            await PostgresSetupSql.UpsertRoleAsync(session, context.Credentials.AdminUser, "SUPERUSER LOGIN", context.Credentials.AdminPassword, cancellationToken);
            await sql.CreateReplicationRoleAsync(session, cancellationToken);
            foreach (var slot in await session.QueryAsync("SELECT slot_name FROM pg_replication_slots", cancellationToken: cancellationToken))
            {
                await session.ExecuteAsync("SELECT pg_drop_replication_slot($1)", [slot.GetString("slot_name")], cancellationToken);
            }
        });
        await process.StopAsync(node, cancellationToken);
        await process.StartAsync(node, cancellationToken);
        await files.Host.MarkInitializedAsync(node, cancellationToken);
        return reached;
    }
}
