using Orchestrator.Migrations.Running;
using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Hosts;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// Logical backups with mariadb-dump in a snapshot the checksums share (both taken under one
/// brief global read lock); physical backups with mariadb-backup, beside a replica's data (on
/// this machine or in its container, see <see cref="IDataCopy"/>), whose SQL thread is stopped meanwhile.
/// </summary>
internal sealed partial class MariaDbBackups(MariaDbEngine engine) : IBackupEngine
{
    public IWalArchive? Archive { get; } = new MariaDbArchive(engine);

    public const string DumpFile = "dump.sql";
    public const string DataDirectory = "data";
    internal static readonly TimeSpan LongRunning = TimeSpan.FromHours(24);

    [GeneratedRegex(@"MASTER_LOG_FILE='(?<file>[^']*)', MASTER_LOG_POS=(?<pos>[0-9]+)")]
    private static partial Regex DumpBinlogPosition();

    public Task<TakenBackup> TakeAsync(BackupRequest request, CancellationToken cancellationToken) =>
        request.Kind == BackupKind.Logical ? TakeLogicalAsync(request, cancellationToken) : TakePhysicalAsync(request, cancellationToken);

    public async Task<IReadOnlyList<TableChecksum>> ChecksumAsync(ConnectionTarget database, CancellationToken cancellationToken)
    {
        // One session per core, their snapshots started together under the global read lock, so
        // that a table's key ranges are summed side by side from one state of the database.
        var sessions = new List<IDbSession>();
        try
        {
            await using (var lockSession = await engine.ConnectAsync(database, cancellationToken))
            {
                for (var i = 0; i < Math.Clamp(Environment.ProcessorCount, 1, 4); i++)
                {
                    sessions.Add(await engine.ConnectAsync(database, cancellationToken));
                }

                await lockSession.ExecuteAsync("FLUSH TABLES WITH READ LOCK", cancellationToken: cancellationToken);
                try
                {
                    foreach (var session in sessions)
                    {
                        await MariaDbChecksums.BeginSnapshotAsync(session, cancellationToken);
                    }
                }
                finally
                {
                    await lockSession.ExecuteAsync("UNLOCK TABLES", cancellationToken: CancellationToken.None);
                }
            }

            return await MariaDbChecksums.ComputeAsync(sessions, await MariaDbChecksums.TablesAsync(sessions[0], cancellationToken), cancellationToken);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
    }

    public Task VerifyAsync(string directory, BackupManifest manifest, LocalSettings local, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task RestoreLogicalAsync(ConnectionTarget admin, string database, string directory, BackupManifest manifest, bool replicate, LocalSettings local, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        var binaries = MariaDbBinaries.LocateClients(local);
        var where = $"{admin.Host}:{admin.Port}";
        await progress.StepAsync(where, $"recreate database '{database}'", async () =>
        {
            await using var session = await engine.ConnectAsync(admin with { Database = null }, cancellationToken);
            if (!replicate)
            {
                await session.ExecuteAsync("SET SESSION sql_log_bin = 0", cancellationToken: cancellationToken);
            }

            await session.ExecuteAsync($"DROP DATABASE IF EXISTS {MariaDbSql.Identifier(database)}", cancellationToken: cancellationToken);
            await session.ExecuteAsync($"CREATE DATABASE {MariaDbSql.Identifier(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", cancellationToken: cancellationToken);
        });
        using var options = ClientOptions(admin);
        List<string> arguments = [
            $"--defaults-file={options.Path}", .. ConnectionArguments(admin),
            "--default-character-set=utf8mb4", "--binary-mode",
        ];
        if (!replicate)
        {
            arguments.Add("--init-command=SET SESSION sql_log_bin = 0");
        }

        arguments.Add(database);
        await progress.StepAsync(where, $"load {DumpFile} into '{database}'", async () =>
        {
            await using var dump = new FileStream(Path.Combine(directory, DumpFile), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await ProcessRunner.RunCheckedAsync(new ProcessSpec(binaries.Path("mariadb"), arguments) { Timeout = LongRunning }, cancellationToken, dump);
        });
    }

    /// <summary>
    /// Under FLUSH TABLES WITH READ LOCK (no commits anywhere), this tool's session and
    /// mariadb-dump each start a consistent snapshot; the lock is released as soon as the dump
    /// shows the binary log position of its snapshot, which must equal ours.
    /// </summary>
    private async Task<TakenBackup> TakeLogicalAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var binaries = MariaDbBinaries.LocateClients(request.Environment.Local);
        var target = engine.AdminTarget(request.Node, request.Credentials, request.Environment.Database);
        await using var lockSession = await engine.ConnectAsync(target with { Database = null }, cancellationToken);
        await using var session = await engine.ConnectAsync(target, cancellationToken);
        using var options = ClientOptions(target);
        var dumpStarted = new TaskCompletionSource<(string File, string Position)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task dump = Task.CompletedTask;
        IReadOnlyList<string> tables;
        string position;
        await request.Progress.StepAsync(request.Node.Name, "global read lock while the snapshots start", () =>
            lockSession.ExecuteAsync("FLUSH TABLES WITH READ LOCK", cancellationToken: cancellationToken));
        var locked = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await MariaDbChecksums.BeginSnapshotAsync(session, cancellationToken);
            var status = (await session.QueryAsync("SHOW STATUS LIKE 'binlog_snapshot_%'", cancellationToken: cancellationToken))
                .ToDictionary(r => r.GetString("Variable_name")!, r => r.GetString("Value") ?? "", StringComparer.OrdinalIgnoreCase);
            var file = status.GetValueOrDefault("Binlog_snapshot_file", "");
            var offset = status.GetValueOrDefault("Binlog_snapshot_position", "");
            position = file.Length == 0
                ? (await session.QueryAsync("SELECT @@gtid_current_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? ""
                : (await session.QueryAsync("SELECT BINLOG_GTID_POS(?, ?) AS pos", [file, long.Parse(offset, CultureInfo.InvariantCulture)], cancellationToken)).Single().GetString("pos") ?? "";
            tables = await MariaDbChecksums.TablesAsync(session, cancellationToken);

            dump = request.Progress.StepAsync(request.Node.Name, $"mariadb-dump of '{request.Environment.Database}' at GTID '{position}'", () => ProcessPipeline.CaptureToFileAsync(
                new ProcessSpec(binaries.Path("mariadb-dump"), [
                    $"--defaults-file={options.Path}", .. ConnectionArguments(target),
                    .. MariaDbConfigFiles.ConsistentDumpOptions,
                    request.Environment.Database,
                ])
                {
                    Timeout = LongRunning,
                },
                Path.Combine(request.Directory, DumpFile),
                64 * 1024,
                head =>
                {
                    if (DumpBinlogPosition().Match(head) is { Success: true } m)
                    {
                        dumpStarted.TrySetResult((m.Groups["file"].Value, m.Groups["pos"].Value));
                    }
                },
                cancellationToken));
            await Task.WhenAny(dumpStarted.Task, dump);
            if (!dumpStarted.Task.IsCompleted)
            {
                await dump;
                throw new LocalProviderException($"mariadb-dump of '{request.Node.Name}' wrote no binary log position (is log_bin enabled on it?); cannot prove the backup matches its checksums");
            }

            var (dumpFile, dumpOffset) = await dumpStarted.Task;
            if (file.Length > 0 && (dumpFile != file || dumpOffset != offset))
            {
                throw new LocalProviderException($"mariadb-dump's snapshot ({dumpFile}:{dumpOffset}) is not the checksums' snapshot ({file}:{offset}); something committed under the global read lock");
            }
        }
        finally
        {
            await lockSession.ExecuteAsync("UNLOCK TABLES", cancellationToken: CancellationToken.None);
            request.Progress.Report(new ProgressEvent(request.Node.Name, $"global read lock held {locked.Elapsed.TotalMilliseconds:0} ms", ProgressKind.Info));
        }

        IReadOnlyList<TableChecksum> checksums = [];
        long? schemaVersion = null;
        var sums = request.Progress.StepAsync(request.Node.Name, "row counts and checksums in the same snapshot", async () =>
        {
            checksums = await MariaDbChecksums.ComputeAsync(session, tables, cancellationToken);
            schemaVersion = await engine.MigrationStore(request.VersionTable).SchemaVersionAsync(session, cancellationToken);
            await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
        });
        await Task.WhenAll(dump, sums);
        return new TakenBackup(
            session.ServerVersion,
            "mariadb-dump single-transaction SQL script (dump.sql) of the database; load with the mariadb client",
            position,
            schemaVersion,
            checksums,
            await ToolVersions.ReadAsync(binaries.Path("mariadb-dump"), binaries.Path("mariadb")));
    }

    /// <summary>
    /// Stops the replica's SQL thread, so that the checksums and the copy see the same state,
    /// and records its GTID position; mariadb-backup copies the files, and the backup is
    /// prepared at once so that a restore only copies it back.
    /// </summary>
    private async Task<TakenBackup> TakePhysicalAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        if (request.Role != ObservedRole.Replica || request.State is null)
        {
            var replicas = string.Join(", ", request.Replicas);
            throw new BackupRefusedException(
                "a physical MariaDB backup is taken with mariadb-backup, which reads the data directory, from a replica of an environment this tool runs (local or docker) whose SQL thread is stopped while the checksums are read; " +
                (request.State is null ? $"'{request.Environment.Name}' is external. " : $"'{request.Node.Name}' is the primary. ") +
                (replicas.Length > 0 && request.State is not null ? $"Name a replica with --node ({replicas}), or" : "Take") + " --kind logical.");
        }

        var target = engine.AdminTarget(request.Node, request.Credentials, request.Environment.Database);
        var copy = request.Host is { } host
            ? new InContainerCopy(host, request, engine.AdminTarget(request.Host.ServerView(request.Environment).Node(request.Node.Name), request.Credentials) with { TrustedCaFile = null })
            : (IDataCopy)new LocalCopy(request, target);
        await using var session = await engine.ConnectAsync(target, cancellationToken);
        string position;
        IReadOnlyList<TableChecksum> checksums = [];
        long? schemaVersion = null;
        await copy.CheckAsync(cancellationToken);

        // A replica stopped in the middle of applying a statement that commits as it goes (CREATE
        // TABLE ... SELECT) keeps the table it made but not the GTID: the copy would hold what its
        // position says is still to come, and a replay from it fails. The replica first applies
        // what it has received (under steady writes it then stops wherever it is, between
        // transactions); one that cannot within the environment's replay timeout is not copied.
        var received = (await session.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).SingleOrDefault()?.GetString("Gtid_IO_Pos");
        if (!string.IsNullOrEmpty(received))
        {
            var timeout = request.Environment.Replication.ReplayTimeout;
            await request.Progress.StepAsync(request.Node.Name, $"apply what it received (up to GTID '{received}', {timeout.TotalSeconds:0} s at most)", async () =>
            {
                if (!await engine.Replay.WaitForReplayAsync(session, received, timeout, cancellationToken))
                {
                    throw new LocalProviderException(
                        $"replica '{request.Node.Name}' had not applied what it received (up to GTID '{received}') within {timeout.TotalSeconds:0} s (replication.replay_timeout); " +
                        "copied now, a statement it is half-way through could be in the copy without its GTID, and replay from the backup would fail. Nothing was copied. " +
                        "Take the backup once it has caught up ('status' shows its lag), from another replica with --node, or allow longer with replication.replay_timeout");
                }
            });
        }

        await session.ExecuteAsync("STOP SLAVE SQL_THREAD", cancellationToken: cancellationToken);
        try
        {
            position = (await session.QueryAsync("SELECT @@gtid_slave_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? "";
            await request.Progress.StepAsync(request.Node.Name, $"row counts and checksums at GTID '{position}' (SQL thread stopped)", async () =>
            {
                await MariaDbChecksums.BeginSnapshotAsync(session, cancellationToken);
                checksums = await MariaDbChecksums.ComputeAsync(session, await MariaDbChecksums.TablesAsync(session, cancellationToken), cancellationToken);
                schemaVersion = await engine.MigrationStore(request.VersionTable).SchemaVersionAsync(session, cancellationToken);
                await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
            });
            await request.Progress.StepAsync(request.Node.Name, "mariadb-backup --backup", () => copy.BackupAsync(cancellationToken));
        }
        finally
        {
            await session.ExecuteAsync("START SLAVE SQL_THREAD", cancellationToken: CancellationToken.None);
        }

        await request.Progress.StepAsync(request.Node.Name, "mariadb-backup --prepare", () => copy.PrepareAsync(cancellationToken));
        return new TakenBackup(
            session.ServerVersion,
            "mariadb-backup prepared data directory (data/); restore by copying it back",
            position,
            schemaVersion,
            checksums,
            await copy.ToolVersionsAsync(cancellationToken),
            request.Credentials.AdminUser);
    }

    /// <param name="caFileOnItsHost">Where the CA certificate is for a client run on a node's host; else the target's own, on this machine.</param>
    internal static string[] ConnectionArguments(ConnectionTarget target, string? caFileOnItsHost = null) =>
    [
        $"--host={target.Host}", $"--port={target.Port.ToString(CultureInfo.InvariantCulture)}", "--protocol=TCP",
        .. MariaDbConfigFiles.ClientTlsArguments(target.Tls, caFileOnItsHost ?? target.TrustedCaForDriver()),
        .. target.ClientCertificate is { } client ? [$"--ssl-cert={client.CertificateFile}", $"--ssl-key={client.KeyFile}"] : Array.Empty<string>(),
    ];

    internal static SecretFile ClientOptions(ConnectionTarget target) =>
        SecretFile.Create("client.cnf", MariaDbConfigFiles.ClientConf(target.User, target.Password?.Reveal() ?? ""));
}
