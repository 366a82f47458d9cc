using System.Text.Json;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.IntegrationTests.Migrations;
using Orchestrator.TestSupport;

namespace Orchestrator.IntegrationTests.Backups;

/// <summary>
/// backup, rehearse and restore on the collection's shared topology, each test in a database of
/// its own. Rehearsals restore into scratch nodes of their own; the one restore into the shared
/// topology replaces only its test database (its replicas are rebuilt and so hold every database).
/// </summary>
public abstract class BackupTests(TopologyFixture fixture) : MigrationTestBase(fixture)
{
    [Fact]
    public async Task A_logical_backup_rehearses_against_its_own_snapshot_after_the_database_changed()
    {
        var (env, database) = await EnvironmentWithItemsAsync(rows: 300);
        var backup = NewBackupDirectory();
        var (backupExit, backupOutput) = await Cli("backup", env, "--out", backup);
        Assert.True(backupExit == 0, backupOutput);

        var manifest = await ManifestAsync(backup);
        var items = manifest.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString()!.EndsWith("items", StringComparison.Ordinal));
        Assert.Equal(300, items.GetProperty("rows").GetInt64());
        Assert.Equal(1004, manifest.GetProperty("schemaVersion").GetInt64());
        Assert.Equal("primary", manifest.GetProperty("node").GetString());
        Assert.All(manifest.GetProperty("files").EnumerateArray(), f => Assert.Equal(64, f.GetProperty("sha256").GetString()!.Length));
        AssertPrivate(backup);

        // After the backup: new rows, a changed row, a new table. The rehearsal compares with the backup's snapshot.
        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            await session.ExecuteAsync("INSERT INTO items (id, name, qty) VALUES (100000, 'later', 1)");
            await session.ExecuteAsync("UPDATE items SET qty = 999 WHERE id = 1");
            await session.ExecuteAsync("CREATE TABLE later_table (id int PRIMARY KEY)");
        }

        var (exitCode, output) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", backup, "--json");

        Assert.True(exitCode == 0, output);
        using var report = JsonDocument.Parse(output);
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(0, report.RootElement.GetProperty("mismatches").GetArrayLength());
        Assert.Equal(1004, report.RootElement.GetProperty("restoredSchemaVersion").GetInt64());
        Assert.True(report.RootElement.GetProperty("recoveryTimeEstimateSeconds").GetDouble() > 0);
        Assert.Equal(new[] { "verify backup files", "start a scratch node", "restore into a scratch node", "verify restored data" },
            report.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_physical_backup_from_a_replica_rehearses_with_equal_counts_and_checksums()
    {
        var (env, _) = await EnvironmentWithItemsAsync(rows: 500);
        var backup = NewBackupDirectory();

        var (backupExit, backupOutput) = await Cli("backup", env, "--kind", "physical", "--out", backup);

        Assert.True(backupExit == 0, backupOutput);
        var manifest = await ManifestAsync(backup);
        Assert.Equal("replica-1", manifest.GetProperty("node").GetString());
        Assert.Equal("physical", manifest.GetProperty("kind").GetString());

        // pg_verifybackup checked the copy whole as it was taken; a restore checks the SHA-256s and only the listing and WAL again.
        Assert.Equal(Topology.Engine == EngineKind.Postgres, manifest.GetProperty("engineVerified").GetBoolean());
        AssertPrivate(backup);
        var (exitCode, output) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", backup);
        Assert.True(exitCode == 0, output);
        Assert.Contains("counts and checksums match the manifest", output, StringComparison.Ordinal);
        Assert.Contains("recovery-time estimate", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_physical_backup_of_the_primary_is_refused_as_bad_input()
    {
        var (env, _) = await EnvironmentWithItemsAsync(rows: 1);
        var backup = NewBackupDirectory();

        var (exitCode, output) = await Cli("backup", env, "--kind", "physical", "--node", "primary", "--out", backup);

        Assert.True(exitCode == 2, output);
        Assert.Contains("--node", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(backup) && Directory.EnumerateFileSystemEntries(backup).Any());
    }

    [Fact]
    public async Task A_damaged_or_incomplete_backup_is_refused_before_anything_is_restored()
    {
        var (env, database) = await EnvironmentWithItemsAsync(rows: 200);
        var backup = NewBackupDirectory();
        Assert.Equal(0, (await Cli("backup", env, "--out", backup)).ExitCode);
        var largest = Directory.EnumerateFiles(backup, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("manifest.json", StringComparison.Ordinal)).MaxBy(f => new FileInfo(f).Length)!;

        var flipped = CopyBackup(backup);
        FlipOneByte(Path.Combine(flipped, Path.GetRelativePath(backup, largest)));
        var (flippedExit, flippedOutput) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", flipped);
        Assert.True(flippedExit == 1, flippedOutput);
        Assert.Contains("SHA-256", flippedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("restore into", flippedOutput, StringComparison.Ordinal);

        // restore into the live environment is refused the same way, and the database keeps its rows.
        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            await session.ExecuteAsync("INSERT INTO items (id, name, qty) VALUES (100000, 'after the backup', 1)");
        }

        var (restoreExit, restoreOutput) = await Cli("restore", env, "--backup", flipped);
        Assert.True(restoreExit == 1, restoreOutput);
        Assert.Contains("nothing was restored", restoreOutput, StringComparison.Ordinal);
        Assert.Equal(201, await CountAsync(database, "primary"));

        var truncated = CopyBackup(backup);
        var truncatedFile = Path.Combine(truncated, Path.GetRelativePath(backup, largest));
        using (var stream = new FileStream(truncatedFile, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var (truncatedExit, truncatedOutput) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", truncated);
        Assert.True(truncatedExit == 1, truncatedOutput);
        Assert.Contains("truncated", truncatedOutput, StringComparison.Ordinal);

        var unlisted = CopyBackup(backup);
        File.Delete(Path.Combine(unlisted, "manifest.json"));
        var (missingExit, missingOutput) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", unlisted);
        Assert.True(missingExit == 1, missingOutput);
        Assert.Contains("manifest.json", missingOutput, StringComparison.Ordinal);

        var other = Topology.Engine == EngineKind.Postgres ? "mariadb" : "postgres";
        var wrongEngine = CopyBackup(backup);
        await RewriteManifestAsync(wrongEngine, text => text.Replace($"\"engine\": \"{(other == "mariadb" ? "postgres" : "mariadb")}\"", $"\"engine\": \"{other}\"", StringComparison.Ordinal));
        var (engineExit, engineOutput) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", wrongEngine);
        Assert.True(engineExit == 1, engineOutput);
        Assert.Contains($"is a {other} backup", engineOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rehearse_with_migrate_brings_the_restored_copy_to_the_latest_version()
    {
        var (env, _) = await EnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env, "--to", "1002")).ExitCode);
        var backup = NewBackupDirectory();
        Assert.Equal(0, (await Cli("backup", env, "--out", backup)).ExitCode);
        Assert.Equal(1002, (await ManifestAsync(backup)).GetProperty("schemaVersion").GetInt64());

        var (exitCode, output) = await CliRunner.RunAsync("rehearse", "-e", env, "--backup", backup, "--migrate", "--json");

        Assert.True(exitCode == 0, output);
        using var report = JsonDocument.Parse(output);
        Assert.Equal(1002, report.RootElement.GetProperty("restoredSchemaVersion").GetInt64());
        Assert.Equal([1003L, 1004L], report.RootElement.GetProperty("migrationsApplied").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        Assert.Equal(1004, report.RootElement.GetProperty("finalSchemaVersion").GetInt64());
    }

    [Fact]
    public async Task A_rehearsal_scratch_node_presents_a_certificate_from_the_environments_own_ca()
    {
        var (env, _) = await EnvironmentWithItemsAsync(rows: 20);
        var backup = NewBackupDirectory();
        Assert.Equal(0, (await Cli("backup", env, "--out", backup)).ExitCode);
        var (caExit, pem) = await CliRunner.RunAsync("tls", "ca", "-e", env, "--state-dir", Topology.StateDir);
        Assert.True(caExit == 0, pem);
        var caFile = Path.Combine(Path.GetDirectoryName(backup)!, $"environment-ca-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(caFile, pem);

        var (exitCode, output) = await Cli("rehearse", env, "--backup", backup, "--keep", "--json");

        // The scratch node is kept whatever the outcome; the report says where.
        using var report = JsonDocument.Parse(output);
        var kept = report.RootElement.GetProperty("keptAt").GetString()!;
        var scratchFile = Path.Combine(kept, "scratch.yaml");
        try
        {
            Assert.True(exitCode == 0, output);
            var scratch = EnvironmentLoader.LoadOrThrow(scratchFile);
            var credentials = Orchestrator.State.CredentialStore.Resolve(scratch, new Orchestrator.State.StateLayout(Path.Combine(kept, "state")), create: false);
            // An application that trusts the environment's CA alone verifies the scratch node too.
            await PresentedCertificate.ConnectVerifiedAsync(Topology.Engine, scratch.Primary, credentials.AdminUser, credentials.AdminPassword.Reveal(), caFile);
            Assert.False(File.Exists(Path.Combine(kept, "state", "tls", "ca.key")), "the scratch node made a CA of its own");
        }
        finally
        {
            var (downExit, down) = await CliRunner.RunAsync("down", "-e", scratchFile, "--state-dir", Path.Combine(kept, "state"), "--purge");
            Directory.Delete(kept, recursive: true);
            Assert.True(downExit == 0, down);
        }
    }

    [Fact]
    public async Task Restore_into_the_local_environment_leaves_the_primary_and_its_replicas_with_the_backups_data()
    {
        var (env, database) = await EnvironmentWithItemsAsync(rows: 250);
        var backup = NewBackupDirectory();

        // The backup holds what replica-1 has replayed, so let it catch up with the inserts first.
        await TestTopology.EventuallyAsync(async () => await CountAsync(database, "replica-1") == 250, "replica-1 has replayed the 250 rows");
        Assert.Equal(0, (await Cli("backup", env, "--node", "replica-1", "--out", backup)).ExitCode);
        Assert.Equal(250, (await ManifestAsync(backup)).GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString()!.EndsWith("items", StringComparison.Ordinal)).GetProperty("rows").GetInt64());
        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            await session.ExecuteAsync("DELETE FROM items WHERE id > 100");
            await session.ExecuteAsync("DROP TABLE widgets");
        }

        var (exitCode, output) = await Cli("restore", env, "--backup", backup);

        Assert.True(exitCode == 0, output);
        foreach (var node in new[] { "primary", "replica-1", "replica-2" })
        {
            await TestTopology.EventuallyAsync(async () => await CountAsync(database, node) == 250, $"{node} holds the backup's 250 rows");
            Assert.True(await TableExistsAsync(database, "widgets", node), $"{node} has the widgets table back");
        }

        Assert.Equal([1001L, 1002L, 1003L, 1004L], await VersionsAsync(database, "replica-2"));

        // A physical backup right after the restore (the replicas idle where the restore left them).
        var (physicalExit, physical) = await Cli("backup", env, "--kind", "physical", "--out", NewBackupDirectory());
        Assert.True(physicalExit == 0, physical);
    }

    [Fact]
    public async Task Restore_refuses_an_edited_manifest_first_and_data_that_differs_from_it_before_cloning_replicas()
    {
        var (env, database) = await EnvironmentWithItemsAsync(rows: 40);
        var backup = NewBackupDirectory();
        Assert.Equal(0, (await Cli("backup", env, "--out", backup)).ExitCode);
        string EditItemsCount(string text) => text.Replace("\"rows\": 40,", "\"rows\": 41,", StringComparison.Ordinal);
        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            await session.ExecuteAsync("DELETE FROM items WHERE id > 30");
        }

        // Edited by hand, its digest no longer matches: refused before anything is restored.
        var edited = CopyBackup(backup);
        var manifestFile = Path.Combine(edited, "manifest.json");
        await File.WriteAllTextAsync(manifestFile, EditItemsCount(await File.ReadAllTextAsync(manifestFile)));
        var (editedExit, editedOutput) = await Cli("restore", env, "--backup", edited);
        Assert.True(editedExit == 1, editedOutput);
        Assert.Contains("does not match its digest", editedOutput, StringComparison.Ordinal);
        Assert.Equal(30, await CountAsync(database, "primary"));

        // A manifest that disagrees with its own dump (the digest rewritten too): the restored
        // primary is checked against it, and no replica is cloned from an unproven copy.
        var disagreeing = CopyBackup(backup);
        await RewriteManifestAsync(disagreeing, EditItemsCount);
        var (exitCode, output) = await Cli("restore", env, "--backup", disagreeing);
        Assert.True(exitCode == 1, output);
        Assert.Contains("items: 40 rows restored, the manifest says 41", output, StringComparison.Ordinal);
        Assert.Contains("the replicas were not cloned", output, StringComparison.Ordinal);

        // The same rows with other contents (the manifest's checksum rewritten): the restored
        // table's checksum, summed over its key ranges side by side, differs.
        var otherContents = CopyBackup(backup);
        var checksum = new System.Text.RegularExpressions.Regex("(\"rows\": 40,\\s*\"checksum\": \")[^\"]*\"");
        await RewriteManifestAsync(otherContents, text =>
        {
            Assert.Matches(checksum, text);
            return checksum.Replace(text, "${1}1\"");
        });
        var (contentsExit, contentsOutput) = await Cli("restore", env, "--backup", otherContents);
        Assert.True(contentsExit == 1, contentsOutput);
        Assert.Contains("items: same row count, different content checksum", contentsOutput, StringComparison.Ordinal);

        // As the message says, up clones them from the primary as it is.
        var (upExit, upOutput) = await Cli("up", env);
        Assert.True(upExit == 0, upOutput);
        foreach (var node in new[] { "primary", "replica-1", "replica-2" })
        {
            await TestTopology.EventuallyAsync(async () => await CountAsync(database, node) == 40, $"{node} holds the restored 40 rows");
        }
    }

    [Fact]
    public async Task Restore_into_an_external_environment_needs_its_name_confirmed()
    {
        var (env, database) = await EnvironmentWithItemsAsync(rows: 10);
        var backup = NewBackupDirectory();
        Assert.Equal(0, (await Cli("backup", env, "--out", backup)).ExitCode);
        var external = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic");

        var (exitCode, output) = await CliRunner.RunAsync("restore", "-e", external, "--backup", backup);

        Assert.True(exitCode == 2, output);
        Assert.Contains($"--i-understand-this-overwrites external-{database}", output, StringComparison.Ordinal);
        var (wrongNameExit, _) = await CliRunner.RunAsync("restore", "-e", external, "--backup", backup, "--i-understand-this-overwrites", "something-else");
        Assert.Equal(2, wrongNameExit);
        Assert.Equal(10, await CountAsync(database, "primary"));
    }

    private async Task<(string Env, string Database)> EnvironmentWithItemsAsync(int rows)
    {
        var (env, database) = await EnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        await using var session = await Topology.ConnectAsync("primary", database);
        await session.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name varchar(50), qty int)");
        var values = Enumerable.Range(1, rows).Select(i => i % 7 == 0 ? $"({i}, NULL, {i})" : i % 5 == 0 ? $"({i}, 'it''s {i}', NULL)" : $"({i}, 'item {i}', {i * 3})");
        await session.ExecuteAsync($"INSERT INTO items (id, name, qty) VALUES {string.Join(", ", values)}");
        return (env, database);
    }

    private async Task<long> CountAsync(string database, string node)
    {
        await using var session = await Topology.ConnectAsync(node, database);
        return (await session.QueryAsync("SELECT COUNT(*) AS n FROM items")).Single().GetInt64("n")!.Value;
    }

    private string NewBackupDirectory() => Path.Combine(Topology.Directory, "backups", Guid.NewGuid().ToString("N")[..12]);

    private static async Task<JsonElement> ManifestAsync(string backup) =>
        JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"))).RootElement.Clone();

    private string CopyBackup(string backup)
    {
        var copy = NewBackupDirectory();
        foreach (var file in Directory.EnumerateFiles(backup, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(backup, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    /// <summary>Edits a copy's manifest as someone who also rewrote its digest would.</summary>
    private static async Task RewriteManifestAsync(string backup, Func<string, string> edit)
    {
        var file = Path.Combine(backup, "manifest.json");
        var text = edit(await File.ReadAllTextAsync(file));
        await File.WriteAllTextAsync(file, text);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        await File.WriteAllTextAsync(Path.Combine(backup, "manifest.json.sha256"), $"{digest}  manifest.json\n");
    }

    /// <summary>A backup holds the database's data: nobody but its owner may read it.</summary>
    private static void AssertPrivate(string backup)
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(backup));
        var entries = new DirectoryInfo(backup).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).ToList();
        Assert.Contains(entries, e => e.Name == "manifest.json");
        Assert.All(entries, e => Assert.True(
            e.UnixFileMode == (e is DirectoryInfo ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite),
            $"{e.FullName} is {e.UnixFileMode}"));
    }

    private static void FlipOneByte(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = stream.Length / 2;
        var value = stream.ReadByte();
        stream.Position = stream.Length / 2;
        stream.WriteByte((byte)(value ^ 0x01));
    }
}
