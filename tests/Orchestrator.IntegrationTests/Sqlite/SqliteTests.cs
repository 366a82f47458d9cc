using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orchestrator.FluentMigratorHost;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Processes;

namespace Orchestrator.IntegrationTests.Sqlite;

/// <summary>
/// engine: sqlite against real database files in a temporary directory, through the command
/// line as a user types it (and as separate processes where they race).
/// </summary>
public sealed class SqliteTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orch-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_tool_and_fluentmigrators_own_runner_give_the_same_file()
    {
        var env = Environment("tool", "sqlite");
        var (exit, output) = await CliRunner.RunAsync("migrate", "-e", env);
        Assert.True(exit == 0, output);

        var oracle = Path.Combine(_directory, "oracle.db");
        FluentMigratorRun.MigrateUp(new FluentMigratorRequest("sqlite", $"Data Source={oracle};Pooling=False", BuiltArtifacts.TestMigrations) { Tags = ["sqlite"] });

        var tool = Describe(Path.Combine(_directory, "tool.db"));
        Assert.Equal(Describe(oracle), tool);
        Assert.Contains("16003|Rename and drop columns", tool, StringComparison.Ordinal);
        Assert.Contains("\"opened_at\" DATETIME", tool, StringComparison.Ordinal);
        Assert.Contains("2|2|19.98|1", tool, StringComparison.Ordinal);

        // Both ways: the oracle's file continues under the tool, rolls back and migrates again.
        var continued = Environment("oracle", "sqlite");
        var (rollbackExit, rollbackOutput) = await CliRunner.RunAsync("rollback", "-e", continued, "--to", "16001");
        Assert.True(rollbackExit == 0, rollbackOutput);
        var (againExit, againOutput) = await CliRunner.RunAsync("migrate", "-e", continued);
        Assert.True(againExit == 0, againOutput);

        // AUTOINCREMENT goes on counting after a rollback: the rows are the same, their ids newer.
        Assert.Equal(Describe(oracle, withData: false), Describe(Path.Combine(_directory, "tool.db"), withData: false));
    }

    [Theory]
    [InlineData("sqlite-limits", "migration 16101 SqliteWidenColumn: AlterColumn widen code", "SQLite does not support alter column")]
    [InlineData("sqlite-pk-column", "migration 16102 SqliteAddKeyColumn: CreateColumn keyless id", "SQLite cannot add a PRIMARY KEY column to an existing table")]
    public async Task What_sqlite_cannot_do_is_named_before_anything_runs(string tag, string where, string why)
    {
        var env = Environment("limits", tag);
        foreach (var verb in new[] { "plan", "migrate" })
        {
            var (exit, output) = await CliRunner.RunAsync(verb, "-e", env);
            Assert.True(exit == 2, $"{verb}: exit {exit}\n{output}");
            Assert.Contains(where, output, StringComparison.Ordinal);
            Assert.Contains(why, output, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(_directory, "limits.db")), "a refused plan or migrate creates no file");
    }

    [Fact]
    public async Task Four_concurrent_migrate_processes_apply_each_migration_exactly_once()
    {
        var env = Environment("race", "counted");
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            ProcessRunner.RunAsync(new ProcessSpec("dotnet", [BuiltArtifacts.Cli, "migrate", "-e", env]), CancellationToken.None)));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError));

        var applied = runs.Sum(r => AppliedCount(r.StandardOutput));
        Assert.Equal(20, applied);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "race.db")};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal(20L, await ScalarAsync(connection, "SELECT COUNT(*) FROM ledger"));
        Assert.Equal(20L, await ScalarAsync(connection, "SELECT COUNT(DISTINCT version) FROM ledger"));
        Assert.Equal(20L, await ScalarAsync(connection, "SELECT COUNT(*) FROM VersionInfo WHERE AppliedOn IS NOT NULL"));
        Assert.Equal(20L, await ScalarAsync(connection, "SELECT COUNT(*) FROM orchestrator_history"));
    }

    [Fact]
    public async Task A_runner_that_finds_another_writer_says_it_waits_then_applies()
    {
        var env = Environment("waiting", "sqlite");
        var file = Path.Combine(_directory, "waiting.db");
        await using var writer = new SqliteConnection($"Data Source={file};Pooling=False");
        await writer.OpenAsync();
        var transaction = writer.BeginTransaction(deferred: false);
        var run = CliRunner.RunAsync("migrate", "-e", env);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(run.IsCompleted, "migrate went ahead while another connection held the write lock");
        transaction.Commit();

        var (exit, output) = await run;
        Assert.True(exit == 0, output);
        Assert.Contains($"waiting for the migration lock on 'main' (held by another writer of {file})", output, StringComparison.Ordinal);
        Assert.Contains("Applied 3 migrations", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_rehearse_and_rehearse_migrate_work_and_a_flipped_byte_is_refused()
    {
        var env = Environment("shop", "sqlite");
        Assert.Equal(0, (await CliRunner.RunAsync("migrate", "-e", env, "--to", "16002")).ExitCode);
        var backup = Path.Combine(_directory, "backup");
        var (backupExit, backupOutput) = await CliRunner.RunAsync("backup", "-e", env, "--out", backup);
        Assert.True(backupExit == 0, backupOutput);
        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"))).RootElement;
        Assert.Equal("sqlite", manifest.GetProperty("engine").GetString());
        Assert.Equal(16002, manifest.GetProperty("schemaVersion").GetInt64());
        var shops = manifest.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "shops");
        Assert.Equal(2, shops.GetProperty("rows").GetInt64());

        // The live file moves on; the rehearsal restores the backup's snapshot, not the file.
        Assert.Equal(0, (await CliRunner.RunAsync("migrate", "-e", env)).ExitCode);
        var (rehearseExit, rehearseOutput) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", backup);
        Assert.True(rehearseExit == 0, rehearseOutput);
        Assert.Contains("counts and checksums match the manifest", rehearseOutput, StringComparison.Ordinal);
        Assert.Contains("PRAGMA integrity_check", rehearseOutput, StringComparison.Ordinal);

        var (migrateExit, migrateOutput) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", backup, "--migrate", "--json");
        Assert.True(migrateExit == 0, migrateOutput);
        var report = JsonDocument.Parse(migrateOutput[migrateOutput.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
        Assert.Equal([16003L], report.GetProperty("migrationsApplied").EnumerateArray().Select(v => v.GetInt64()));

        var file = Path.Combine(backup, "database.sqlite");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(file, bytes);
        var (flippedExit, flippedOutput) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", backup);
        Assert.True(flippedExit == 1, flippedOutput);
        Assert.Contains("SHA-256", flippedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("restore into", flippedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_shows_the_file_its_size_journal_mode_schema_version_and_pending_migrations()
    {
        var env = Environment("status", "sqlite");
        var (missingExit, missingOutput) = await CliRunner.RunAsync("status", "-e", env);
        Assert.True(missingExit == 1, missingOutput);
        Assert.Contains("does not exist", missingOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "status.db")), "status does not create the file");

        Assert.Equal(0, (await CliRunner.RunAsync("migrate", "-e", env, "--to", "16001")).ExitCode);
        var (exit, output) = await CliRunner.RunAsync("status", "-e", env, "--json");
        Assert.True(exit == 0, output);
        var node = JsonDocument.Parse(output).RootElement.GetProperty("nodes").EnumerateArray().Single();
        Assert.Equal(Path.Combine(_directory, "status.db"), node.GetProperty("endpoint").GetString());
        Assert.Equal(16001, node.GetProperty("schemaVersion").GetInt64());
        Assert.Equal(2, node.GetProperty("pendingMigrations").GetInt32());
        Assert.Equal(new FileInfo(Path.Combine(_directory, "status.db")).Length, node.GetProperty("file").GetProperty("sizeBytes").GetInt64());
        Assert.Equal("delete", node.GetProperty("file").GetProperty("journalMode").GetString());
    }

    [Fact]
    public async Task Reading_commands_never_create_the_file_and_migrate_creates_it_readable_by_its_owner_only()
    {
        var env = Environment("fresh", "sqlite");
        var file = Path.Combine(_directory, "data", "fresh.db");
        File.WriteAllText(env, File.ReadAllText(env).Replace("file: fresh.db", "file: data/fresh.db", StringComparison.Ordinal));

        var (planExit, plan) = await CliRunner.RunAsync("plan", "-e", env);
        Assert.True(planExit == 0, plan);
        Assert.Contains("16003", plan, StringComparison.Ordinal);
        var (historyExit, history) = await CliRunner.RunAsync("history", "-e", env);
        Assert.True(historyExit == 0, history);
        Assert.Contains("16001", history, StringComparison.Ordinal);
        await CliRunner.RunAsync("status", "-e", env);
        await CliRunner.RunAsync("drift", "-e", env);
        Assert.False(File.Exists(file), "plan, history, status and drift create no file");
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)), "nor its directory");

        var (exit, output) = await CliRunner.RunAsync("migrate", "-e", env);
        Assert.True(exit == 0, output);
        Assert.Contains("16003|Rename and drop columns", Describe(file), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task A_profile_that_fails_after_a_completed_rollback_is_reported_as_such()
    {
        var env = Environment("profiled", "sqlite");
        File.AppendAllText(env, "\n  profile: sqlite-dev\n");
        var (migrateExit, migrateOutput) = await CliRunner.RunAsync("migrate", "-e", env);
        Assert.True(migrateExit == 0, migrateOutput);

        // FluentMigrator's MigrateDown applies the profile after the Down()s too; with 16003 undone its column is gone.
        var (exit, output) = await CliRunner.RunAsync("rollback", "-e", env, "--to", "16002");

        Assert.True(exit == 1, output);
        Assert.True(output.Contains("the rollback completed (1 migration undone, now at version 16002), then the profile migration SqliteDevelopmentShop (profile) failed: statement failed: SQLite Error 1: 'table shops has no column named opened_at'", StringComparison.Ordinal), output);
        var file = Describe(Path.Combine(_directory, "profiled.db"));
        Assert.Contains("16002|", file, StringComparison.Ordinal);
        Assert.DoesNotContain("16003|", file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_migrate_refuses_applied_migrations_whose_sql_changed_with_exit_2_applying_nothing()
    {
        var env = Environment("changed", "sqlite");
        Assert.Equal(0, (await CliRunner.RunAsync("migrate", "-e", env, "--to", "16002")).ExitCode);
        var file = Path.Combine(_directory, "changed.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE orchestrator_history SET checksum = 'edited since' WHERE version = 16001";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var (exit, output) = await CliRunner.RunAsync("migrate", "-e", env, "--strict");

        Assert.True(exit == 2, output);
        Assert.Contains("applied migrations changed since they were applied: 16001", output, StringComparison.Ordinal);
        Assert.Contains("run migrate without --strict", output, StringComparison.Ordinal);
        Assert.DoesNotContain("16003|", Describe(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_that_need_servers_or_replicas_refuse_naming_the_engine()
    {
        var env = Environment("servers", "sqlite");
        string[][] commands = [["up"], ["down"], ["switchover", "--to", "file"], ["failover"], ["rejoin", "file"], ["replica", "rebuild", "file"]];
        foreach (var command in commands)
        {
            var (exit, output) = await CliRunner.RunAsync([.. command, "-e", env]);
            Assert.True(exit == 2, $"{command[0]}: exit {exit}\n{output}");
            Assert.Contains("SQLite database file", output, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(_directory, "servers.db")));
    }

    private string Environment(string name, string tag)
    {
        var file = Path.Combine(_directory, $"{name}.yaml");
        File.WriteAllText(file, $"""
            name: {name}
            engine: sqlite
            file: {name}.db
            migrations:
              assembly: {BuiltArtifacts.TestMigrations}
              tags: [{tag}]
            """);
        return file;
    }

    /// <summary>The file's schema (the tool's history table aside), version rows and data, as text.</summary>
    private static string Describe(string file, bool withData = true)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var text = new System.Text.StringBuilder();
        void Query(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                text.AppendLine(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            }
        }

        Query("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name <> 'orchestrator_history' ORDER BY name");
        if (text.ToString().Contains("|VersionInfo|", StringComparison.Ordinal))
        {
            Query("SELECT Version, Description FROM VersionInfo ORDER BY Version");
        }

        if (withData && text.ToString().Contains("|products|", StringComparison.Ordinal))
        {
            Query("SELECT * FROM products ORDER BY id");
        }

        return text.ToString();
    }

    private static int AppliedCount(string output) =>
        output.Split('\n').Where(l => l.StartsWith("Applied ", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).SingleOrDefault();

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
