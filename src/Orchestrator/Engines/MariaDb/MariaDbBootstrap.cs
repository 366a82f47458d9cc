using Orchestrator.Progress;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Replication;
using Orchestrator.State;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Creating MariaDB nodes on their host: an empty primary (mariadb-install-db), a replica seeded from a consistent dump of its source, a node from a physical backup.</summary>
internal sealed class MariaDbBootstrap(MariaDbEngine engine, LocalContext context, MariaDbNodeFiles files, MariaDbSetupSql sql, MariaDbProcess process) : INodeBootstrap
{
    private static readonly string[] SystemDatabases = ["mysql", "information_schema", "performance_schema", "sys"];

    /// <summary>Replicas whose own server is being installed while the primary is set up (see <see cref="InitializePrimaryAsync"/>).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _preparing = new(StringComparer.Ordinal);

    /// <summary>
    /// A new primary means a new environment: its new replicas' own servers are installed,
    /// started and given their accounts meanwhile, since only their seeding needs a source.
    /// </summary>
    public async Task InitializePrimaryAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        foreach (var replica in context.Environment.Replicas.Where(r => !r.Fenced))
        {
            if (!await files.Host.IsInitializedAsync(replica, cancellationToken))
            {
                _preparing[replica.Name] = PrepareReplicaAsync(replica, cancellationToken);
            }
        }

        try
        {
            // Its accounts and database are written before any replica could acknowledge them.
            await InstallAsync(node, cancellationToken);
            await process.StartAsync(node, [MariaDbSemiSync.StartNotWaiting], cancellationToken);
            await context.Progress.StepAsync(node.Name, "create accounts", async () =>
            {
                await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
                await sql.CreateAccountsAsync(session, cancellationToken);
            });
            await files.Host.MarkInitializedAsync(node, cancellationToken);
        }
        catch
        {
            // Nothing of this run keeps working on the replicas behind the failure's back.
            await Task.WhenAll(_preparing.Values).ContinueWith(_ => { }, TaskScheduler.Default);
            throw;
        }
    }

    public async Task EnsureDatabaseAsync(NodeDefinition primary, CancellationToken cancellationToken)
    {
        var database = context.Environment.Database;
        await using var session = await engine.ConnectAsync(engine.AdminTarget(primary, context.Credentials), cancellationToken);
        if ((await session.QueryAsync("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [database], cancellationToken)).Count == 0)
        {
            await context.Progress.StepAsync(primary.Name, $"create database '{database}'", () =>
                session.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {MariaDbSql.Identifier(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", cancellationToken: cancellationToken));
        }
    }

    public async Task BootstrapReplicaAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        await (_preparing.TryRemove(node.Name, out var prepared) ? prepared : PrepareReplicaAsync(node, cancellationToken));

        var position = "";
        await context.Progress.StepAsync(node.Name, $"seed from a consistent dump of {source.Name}", async () =>
            position = await SeedFromDumpAsync(node, source, cancellationToken));
        await context.Progress.StepAsync(node.Name, $"replicate from {source.Name} at GTID '{position}'", async () =>
        {
            await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
            await session.ExecuteAsync("RESET MASTER", cancellationToken: cancellationToken);
            if (position.Length > 0)
            {
                // The node's own binary log starts where the dump ended, so a cascading replica
                // seeded from this node later can ask it for exactly that position.
                await session.ExecuteAsync("SET GLOBAL gtid_binlog_state = ?", [position], cancellationToken);
            }

            await session.ExecuteAsync("SET GLOBAL gtid_slave_pos = ?", [position], cancellationToken);
            await sql.ChangeMasterAsync(session, node, source, demote: false, cancellationToken);
        });
        await files.Host.MarkInitializedAsync(node, cancellationToken);
    }

    /// <summary>
    /// Copies the prepared data in and starts it once without grant tables or networking, to
    /// give it this environment's accounts (the copy holds the source's), then normally.
    /// </summary>
    public async Task<RecoveryPoint?> RestorePhysicalAsync(NodeDefinition node, PhysicalCopy copy, CancellationToken cancellationToken)
    {
        await files.PrepareNodeDirAsync(node, cancellationToken);
        await context.Progress.StepAsync(node.Name, "copy the backup's prepared data directory", () =>
            files.Host.CopyDirectoryInAsync(node, Path.Combine(copy.BackupDirectory, MariaDbBackups.DataDirectory), files.DataDir(node), cancellationToken));
        await files.WriteConfigAsync(node, cancellationToken);
        await process.StartServerAsync(node, "start without grant tables or networking", ["--skip-grant-tables", "--skip-networking", "--skip-slave-start"], cancellationToken);
        await context.Progress.StepAsync(node.Name, "set this environment's accounts", async () =>
        {
            await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
            // The copy's own history starts at the backup's position; this setup is not part of it.
            await session.ExecuteAsync("SET SESSION sql_log_bin = 0", cancellationToken: cancellationToken);
            await session.ExecuteAsync("FLUSH PRIVILEGES", cancellationToken: cancellationToken);
            await session.ExecuteAsync("CREATE OR REPLACE USER ?@'localhost' IDENTIFIED VIA unix_socket", [MariaDbSetupSql.SocketUser], cancellationToken);
            await session.ExecuteAsync("GRANT ALL PRIVILEGES ON *.* TO ?@'localhost' WITH GRANT OPTION", [MariaDbSetupSql.SocketUser], cancellationToken);
            await sql.CreateAccountsAsync(session, cancellationToken);
            await session.ExecuteAsync("RESET SLAVE ALL", cancellationToken: cancellationToken);
            await session.ExecuteAsync("RESET MASTER", cancellationToken: cancellationToken);
            await session.ExecuteAsync("SET GLOBAL gtid_slave_pos = ''", cancellationToken: cancellationToken);
            if (copy.Position.Length > 0)
            {
                await session.ExecuteAsync("SET GLOBAL gtid_binlog_state = ?", [copy.Position], cancellationToken);
            }
        });
        await process.StopAsync(node, cancellationToken);
        var placed = copy.Replay is { } replay ? await MariaDbArchiveReplay.PlaceAsync(files, node, copy, replay, context.Progress, cancellationToken) : null;
        await process.StartAsync(node, [MariaDbSemiSync.StartNotWaiting], cancellationToken);
        var point = placed is null ? null : await MariaDbArchiveReplay.ReplayAsync(files, sql, node, copy, placed, context.Progress, cancellationToken);
        if (context.Environment.Archive is { } archive)
        {
            // The restored server writes on from here; what the archived lines hold after it is a history left behind.
            await MariaDbBinlogArchive.MarkAbandonedAsync(archive, point?.ReachedPosition ?? copy.Position, cancellationToken);
        }

        await files.Host.MarkInitializedAsync(node, cancellationToken);
        return point;
    }

    /// <summary>A replica's own server, up with its accounts, before anything is copied into it.</summary>
    private async Task PrepareReplicaAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await InstallAsync(node, cancellationToken);
        await process.StartAsync(node, cancellationToken);
        await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);

        // Accounts are created on every node directly, kept out of the binary log so the
        // replica's own GTID history stays empty.
        await session.ExecuteAsync("SET SESSION sql_log_bin = 0", cancellationToken: cancellationToken);
        await sql.CreateAccountsAsync(session, cancellationToken);
    }

    private async Task InstallAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        await files.PrepareNodeDirAsync(node, cancellationToken);
        await files.WriteConfigAsync(node, cancellationToken);
        await context.Progress.StepAsync(node.Name, "mariadb-install-db", () => files.RunAsync(
            node,
            new ProcessSpec(files.Server.Path("mariadb-install-db"), [
                $"--defaults-file={files.ConfigFile(node)}",
                $"--datadir={files.DataDir(node)}",
                "--auth-root-authentication-method=socket",
                $"--auth-root-socket-user={MariaDbSetupSql.SocketUser}",
                "--skip-test-db",
            ])
            {
                WorkingDirectory = files.Paths(node).NodeDir,
            },
            cancellationToken));
    }

    /// <summary>Streams a single-transaction dump of the source's databases into the node; returns the dump's GTID position.</summary>
    private async Task<string> SeedFromDumpAsync(NodeDefinition node, NodeDefinition source, CancellationToken cancellationToken)
    {
        List<string> databases;
        await using (var session = await engine.ConnectAsync(engine.AdminTarget(source, context.Credentials), cancellationToken))
        {
            // Read before the list: when the list is empty, nothing the replica needs came before this position.
            var current = (await session.QueryAsync("SELECT @@gtid_binlog_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? "";
            databases = (await session.QueryAsync("SHOW DATABASES", cancellationToken: cancellationToken))
                .Select(r => r.Values.Values.Single() as string ?? "")
                .Where(d => !SystemDatabases.Contains(d, StringComparer.OrdinalIgnoreCase))
                .ToList();
            if (databases.Count == 0)
            {
                // Nothing to copy yet (the environment's database may still be on its way from the
                // primary): the replica starts where the source is, and receives it by replication.
                return current;
            }
        }

        using var clientConf = SecretFile.Create("client.cnf", MariaDbConfigFiles.ClientConf(context.Credentials.AdminUser, context.Credentials.AdminPassword.Reveal()));
        var dump = new ProcessSpec(files.Clients.Path("mariadb-dump"), [
            $"--defaults-file={clientConf.Path}",
            .. MariaDbBackups.ConnectionArguments(engine.AdminTarget(source, context.Credentials)),
            .. MariaDbConfigFiles.ConsistentDumpOptions,
            "--databases", .. databases,
        ]);
        var load = new ProcessSpec(files.Clients.Path("mariadb"), [
            "--no-defaults", $"--socket={files.SocketForTool(node)}",
            $"--user={MariaDbSetupSql.SocketUser}", "--default-character-set=utf8mb4", "--binary-mode",
            "--init-command=SET SESSION sql_log_bin = 0",
        ]);
        string? position = null;
        await ProcessPipeline.PipeAsync(dump, load, 64 * 1024, (head, tail) => position = MariaDbConfigFiles.DumpGtidPosition(head, tail), cancellationToken);
        return position ?? throw new LocalProviderException($"the dump of '{source.Name}' carried no GTID position (gtid_slave_pos); cannot start replication of '{node.Name}' safely");
    }
}
