using Orchestrator.Migrations.Running;
using System.Globalization;
using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Hosts;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// Logical backups with pg_dump (directory format, parallel jobs) in a snapshot the checksums
/// share; physical backups with pg_basebackup from a replica whose replay is paused meanwhile.
/// </summary>
internal sealed class PostgresBackups(PostgresEngine engine) : IBackupEngine
{
    private const int Jobs = 2;
    private static readonly TimeSpan LongRunning = TimeSpan.FromHours(24);

    public const string DumpDirectory = "dump";
    public const string DataDirectory = "data";

    public IWalArchive? Archive { get; } = new PostgresArchive(engine);

    public Task<TakenBackup> TakeAsync(BackupRequest request, CancellationToken cancellationToken) =>
        request.Kind == BackupKind.Logical ? TakeLogicalAsync(request, cancellationToken) : TakePhysicalAsync(request, cancellationToken);

    public async Task<IReadOnlyList<TableChecksum>> ChecksumAsync(ConnectionTarget database, CancellationToken cancellationToken)
    {
        await using var session = await engine.ConnectAsync(database, cancellationToken);
        var snapshot = await PostgresChecksums.BeginSnapshotAsync(session, null, cancellationToken);
        var checksums = await PostgresChecksums.ComputeAsync(session, snapshot, token => engine.ConnectAsync(database, token), cancellationToken);
        await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
        return checksums;
    }

    public async Task VerifyAsync(string directory, BackupManifest manifest, LocalSettings local, CancellationToken cancellationToken)
    {
        if (manifest.Kind != BackupKind.Physical)
        {
            return;
        }

        // Checked whole when taken, the files' contents are proven by their SHA-256s (checked
        // before this); what is left is what they cannot show: the listing and the WAL.
        await VerifyCopyAsync(await PostgresBinaries.LocateAsync(local, cancellationToken), directory, skipChecksums: manifest.EngineVerified, cancellationToken);
    }

    private static async Task VerifyCopyAsync(PostgresBinaries binaries, string directory, bool skipChecksums, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(
            new ProcessSpec(binaries.Path("pg_verifybackup"), [.. skipChecksums ? ["--skip-checksums"] : Array.Empty<string>(), Path.Combine(directory, DataDirectory)]) { Timeout = LongRunning },
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupInvalidException($"pg_verifybackup rejects the physical backup in {directory}:\n{(result.StandardError + result.StandardOutput).Trim()}");
        }
    }

    public async Task RestoreLogicalAsync(ConnectionTarget admin, string database, string directory, BackupManifest manifest, bool replicate, LocalSettings local, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        var binaries = await PostgresBinaries.LocateAsync(local, cancellationToken);
        await progress.StepAsync(admin.Host + ":" + admin.Port, $"recreate database '{database}'", async () =>
        {
            await using var session = await engine.ConnectAsync(admin with { Database = "postgres" }, cancellationToken);
            if (!replicate)
            {
                await session.ExecuteAsync("SET synchronous_commit = local", cancellationToken: cancellationToken);
            }

            await session.ExecuteAsync($"DROP DATABASE IF EXISTS {PostgresSql.Identifier(database)} WITH (FORCE)", cancellationToken: cancellationToken);
            await session.ExecuteAsync($"CREATE DATABASE {PostgresSql.Identifier(database)}", cancellationToken: cancellationToken);
        });
        using var passfile = Passfile(admin, "*");
        await progress.StepAsync(admin.Host + ":" + admin.Port, $"pg_restore ({Jobs} jobs) into '{database}'", () => ProcessRunner.RunCheckedAsync(
            new ProcessSpec(binaries.Path("pg_restore"), [
                .. ClientArguments(admin), "--dbname", database,
                "--jobs", Jobs.ToString(CultureInfo.InvariantCulture), "--no-owner", "--no-acl", "--exit-on-error",
                Path.Combine(directory, DumpDirectory),
            ])
            {
                // Replicas rebuilt afterwards do not exist meanwhile: a synchronous one must not be waited for.
                Environment = replicate ? ClientEnvironment(admin, passfile) : new(ClientEnvironment(admin, passfile)) { ["PGOPTIONS"] = "-c synchronous_commit=local" },
                Timeout = LongRunning,
            },
            cancellationToken));
    }

    private async Task<TakenBackup> TakeLogicalAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        var binaries = await PostgresBinaries.LocateAsync(request.Environment.Local, cancellationToken);
        var target = engine.AdminTarget(request.Node, request.Credentials, request.Environment.Database);
        await using var session = await engine.ConnectAsync(target, cancellationToken);
        var snapshot = await PostgresChecksums.BeginSnapshotAsync(session, null, cancellationToken);
        var position = (await session.QueryAsync(
            "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS position",
            cancellationToken: cancellationToken)).Single().GetString("position")!;

        using var passfile = Passfile(target, "*");
        var dump = request.Progress.StepAsync(request.Node.Name, $"pg_dump ({Jobs} jobs) of '{request.Environment.Database}' in snapshot {snapshot}", () => ProcessRunner.RunCheckedAsync(
            new ProcessSpec(binaries.Path("pg_dump"), [
                .. ClientArguments(target), "--dbname", request.Environment.Database,
                "--format=directory", "--jobs", Jobs.ToString(CultureInfo.InvariantCulture), "--compress=1",
                $"--snapshot={snapshot}", "--file", Path.Combine(request.Directory, DumpDirectory),
            ])
            {
                Environment = ClientEnvironment(target, passfile),
                Timeout = LongRunning,
            },
            cancellationToken));

        IReadOnlyList<TableChecksum> tables = [];
        long? schemaVersion = null;
        var checksums = request.Progress.StepAsync(request.Node.Name, "row counts and checksums in the same snapshot", async () =>
        {
            tables = await PostgresChecksums.ComputeAsync(session, snapshot, token => engine.ConnectAsync(target, token), cancellationToken);
            schemaVersion = await engine.MigrationStore(request.VersionTable).SchemaVersionAsync(session, cancellationToken);
        });

        // The snapshot's transaction stays open until pg_dump is done: its workers import it.
        await Task.WhenAll(dump, checksums);
        await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
        return new TakenBackup(
            session.ServerVersion,
            "pg_dump directory format (dump/), gzip level 1; restore with pg_restore",
            position,
            schemaVersion,
            tables,
            await ToolVersions.ReadAsync(binaries.Path("pg_dump"), binaries.Path("pg_restore")));
    }

    /// <summary>
    /// Pauses the replica's replay, so that the checksums and the copy see the same state, and
    /// records the replay position: a restore recovers to exactly that position.
    /// </summary>
    private async Task<TakenBackup> TakePhysicalAsync(BackupRequest request, CancellationToken cancellationToken)
    {
        if (request.Role != ObservedRole.Replica)
        {
            var replicas = string.Join(", ", request.Replicas);
            throw new BackupRefusedException(
                $"a physical PostgreSQL backup is taken from a replica, whose replay is paused while the checksums are read, so that they describe exactly the copied data; " +
                $"'{request.Node.Name}' is the primary. " + (replicas.Length > 0 ? $"Name a replica with --node ({replicas}), or" : "Add a replica, or") + " take --kind logical.");
        }

        var binaries = await PostgresBinaries.LocateAsync(request.Environment.Local, cancellationToken);
        var target = engine.AdminTarget(request.Node, request.Credentials, request.Environment.Database);
        await using var session = await engine.ConnectAsync(target, cancellationToken);
        string position;
        IReadOnlyList<TableChecksum> tables = [];
        long? schemaVersion = null;
        await session.ExecuteAsync("SELECT pg_wal_replay_pause()", cancellationToken: cancellationToken);
        try
        {
            await Poll.UntilAsync(
                async () => (await session.QueryAsync("SELECT pg_get_wal_replay_pause_state() AS state", cancellationToken: cancellationToken)).Single().GetString("state") == "paused",
                TimeSpan.FromSeconds(60),
                () => $"replay on '{request.Node.Name}' did not pause within 60 s",
                cancellationToken);
            position = (await session.QueryAsync("SELECT pg_last_wal_replay_lsn()::text AS position", cancellationToken: cancellationToken)).Single().GetString("position")!;
            await request.Progress.StepAsync(request.Node.Name, $"row counts and checksums at replay position {position} (replay paused)", async () =>
            {
                var snapshot = await PostgresChecksums.BeginSnapshotAsync(session, null, cancellationToken);
                tables = await PostgresChecksums.ComputeAsync(session, snapshot, token => engine.ConnectAsync(target, token), cancellationToken);
                schemaVersion = await engine.MigrationStore(request.VersionTable).SchemaVersionAsync(session, cancellationToken);
                await session.ExecuteAsync("COMMIT", cancellationToken: cancellationToken);
            });

            var replication = new ConnectionTarget(request.Node.Host, request.Node.Port, request.Credentials.ReplicationUser, request.Credentials.RequiredReplicationPassword(), null) { Tls = request.Node.Tls, TrustedCaFile = request.Credentials.TrustedCaFile };
            using var passfile = Passfile(replication, "replication");
            await request.Progress.StepAsync(request.Node.Name, "pg_basebackup with the WAL it needs", () => ProcessRunner.RunCheckedAsync(
                new ProcessSpec(binaries.Path("pg_basebackup"), [
                    .. ClientArguments(replication),
                    "--pgdata", Path.Combine(request.Directory, DataDirectory),
                    "--wal-method=stream", "--checkpoint=fast", "--format=plain", "--manifest-checksums=SHA256",
                ])
                {
                    Environment = ClientEnvironment(replication, passfile),
                    Timeout = LongRunning,
                },
                cancellationToken));
        }
        finally
        {
            await session.ExecuteAsync("SELECT pg_wal_replay_resume()", cancellationToken: CancellationToken.None);
        }

        await EnsureWalReachesAsync(binaries, Path.Combine(request.Directory, DataDirectory), position, cancellationToken);

        // A copy pg_basebackup got wrong is found now, while the source is there to take another.
        await request.Progress.StepAsync(request.Node.Name, "pg_verifybackup of the copy", () => VerifyCopyAsync(binaries, request.Directory, skipChecksums: false, cancellationToken));

        return new TakenBackup(
            session.ServerVersion,
            "pg_basebackup plain format (data/) with streamed WAL and backup_manifest; recovers to the recorded position",
            position,
            schemaVersion,
            tables,
            await ToolVersions.ReadAsync(binaries.Path("pg_basebackup"), binaries.Path("pg_verifybackup")),
            request.Credentials.AdminUser)
        {
            EngineVerified = true,
        };
    }

    /// <summary>
    /// The copy is consistent from its end-of-backup position on; it must also hold the WAL up
    /// to the paused replay position, or a restore could not reach the checksummed state.
    /// </summary>
    private static async Task EnsureWalReachesAsync(PostgresBinaries binaries, string data, string position, CancellationToken cancellationToken)
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "backup_manifest"), cancellationToken));
        var end = manifest.RootElement.GetProperty("WAL-Ranges").EnumerateArray().Last().GetProperty("End-LSN").GetString()!;
        if (end == position)
        {
            return;
        }

        var walk = await ProcessRunner.RunAsync(new ProcessSpec(binaries.Path("pg_waldump"), ["--quiet", "--path", Path.Combine(data, "pg_wal"), "--start", end, "--end", position]), cancellationToken);
        if (walk.ExitCode != 0)
        {
            throw new LocalProviderException($"the copy's WAL ends before the replica's paused replay position {position} (backup end {end}); take the backup again");
        }
    }

    /// <summary>True when the WAL in <paramref name="walDirectory"/> holds a record at or after <paramref name="position"/>.</summary>
    public static async Task<bool> WalContinuesAfterAsync(PostgresBinaries binaries, string walDirectory, string position, CancellationToken cancellationToken)
    {
        var probe = await ProcessRunner.RunAsync(new ProcessSpec(binaries.Path("pg_waldump"), ["--path", walDirectory, "--start", position, "--limit", "1"]), cancellationToken);
        return probe.ExitCode == 0 && probe.StandardOutput.Contains("lsn:", StringComparison.Ordinal);
    }

    private static string[] ClientArguments(ConnectionTarget target) =>
        ["--host", target.Host, "--port", target.Port.ToString(CultureInfo.InvariantCulture), "--username", target.User, "--no-password"];

    private static Dictionary<string, string> ClientEnvironment(ConnectionTarget target, SecretFile passfile)
    {
        var environment = new Dictionary<string, string>(PostgresConfigFiles.ClientTlsEnvironment(target.Tls, target.TrustedCaForDriver()))
        {
            ["PGPASSFILE"] = passfile.Path,
            ["PGAPPNAME"] = "orchestrator-backup",
        };
        if (target.ClientCertificate is { } client)
        {
            environment["PGSSLCERT"] = client.CertificateFile;
            environment["PGSSLKEY"] = client.KeyFile;
        }

        return environment;
    }

    private static SecretFile Passfile(ConnectionTarget target, string database) =>
        SecretFile.Create("pgpass", PostgresConfigFiles.PassfileLine(target.Host, target.Port, database, target.User, target.Password?.Reveal() ?? ""));
}
