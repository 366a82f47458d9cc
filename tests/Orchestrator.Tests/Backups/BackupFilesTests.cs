using Orchestrator.Backups;

namespace Orchestrator.Tests.Backups;

/// <summary>The file checks every backup passes before a restore, on directories written here.</summary>
public sealed class BackupFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-backup-files-").FullName;

    [Fact]
    public async Task An_untouched_backup_verifies_and_its_manifest_reads_back_equal()
    {
        var manifest = await WriteBackupAsync();

        var read = await BackupManifest.ReadAsync(_directory, CancellationToken.None);

        Assert.Empty(await BackupFiles.VerifyAsync(_directory, read, CancellationToken.None));
        Assert.Equal(manifest.Files, read.Files);
        Assert.Equal(manifest.Tables, read.Tables);
        Assert.Equal(BackupKind.Logical, read.Kind);
        Assert.Equal(["dump/a.dat", "dump/toc.dat"], read.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task A_flipped_byte_a_truncation_a_missing_and_an_extra_file_are_each_named()
    {
        var manifest = await WriteBackupAsync();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_directory, "dump", "a.dat"));
        bytes[bytes.Length / 2] ^= 1;
        await File.WriteAllBytesAsync(Path.Combine(_directory, "dump", "a.dat"), bytes);
        Assert.Equal(["dump/a.dat: content differs from the manifest's SHA-256 (the file was changed or damaged)"], await BackupFiles.VerifyAsync(_directory, manifest, CancellationToken.None));

        await File.WriteAllTextAsync(Path.Combine(_directory, "dump", "toc.dat"), "to");
        File.Delete(Path.Combine(_directory, "dump", "a.dat"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "stray.txt"), "?");
        Assert.Equal(
            ["dump/a.dat: missing", "dump/toc.dat: 2 bytes, the manifest says 3 (truncated)", "stray.txt: not in the manifest"],
            await BackupFiles.VerifyAsync(_directory, manifest, CancellationToken.None));
    }

    [Fact]
    public async Task A_directory_without_a_manifest_is_not_a_backup()
    {
        var error = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupManifest.ReadAsync(_directory, CancellationToken.None));
        Assert.Contains("has no manifest.json", error.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(_directory, BackupManifest.FileName), "{ not json");
        await Assert.ThrowsAsync<BackupInvalidException>(() => BackupManifest.ReadAsync(_directory, CancellationToken.None));
    }

    [Fact]
    public async Task A_manifest_edited_after_the_backup_or_without_its_digest_is_refused_before_it_is_read()
    {
        await WriteBackupAsync();
        var path = Path.Combine(_directory, BackupManifest.FileName);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("\"rows\": 3", "\"rows\": 4", StringComparison.Ordinal));

        var edited = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupManifest.ReadAsync(_directory, CancellationToken.None));
        Assert.Contains("does not match its digest in manifest.json.sha256", edited.Message, StringComparison.Ordinal);

        File.Delete(Path.Combine(_directory, BackupManifest.DigestFileName));
        var missing = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupManifest.ReadAsync(_directory, CancellationToken.None));
        Assert.Contains("sha256sum manifest.json > manifest.json.sha256", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backups_folders_become_0700_and_its_files_0600_the_manifest_and_digest_included()
    {
        await WriteBackupAsync();
        File.SetUnixFileMode(Path.Combine(_directory, "dump", "a.dat"), (UnixFileMode)Convert.ToInt32("644", 8));
        File.SetUnixFileMode(Path.Combine(_directory, "dump"), (UnixFileMode)Convert.ToInt32("755", 8));

        BackupFiles.Restrict(_directory);

        var entries = new DirectoryInfo(_directory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).ToList();
        Assert.Equal(5, entries.Count);
        Assert.All(entries, e => Assert.Equal(e is DirectoryInfo ? BackupFiles.PrivateFolder : BackupFiles.PrivateFile, e.UnixFileMode));
        Assert.Equal(BackupFiles.PrivateFolder, File.GetUnixFileMode(_directory));
    }

    [Fact]
    public void Each_table_that_differs_from_the_manifest_is_described_by_what_differs()
    {
        var mismatches = RestoredData.Compare(
            [new TableChecksum("public.a", 3, "1"), new TableChecksum("public.b", 2, "2"), new TableChecksum("public.c", 1, "3")],
            [new TableChecksum("public.a", 3, "9"), new TableChecksum("public.b", 5, "2"), new TableChecksum("public.d", 7, "4")]);

        Assert.Equal(
            [
                "public.a: same row count, different content checksum",
                "public.b: 5 rows restored, the manifest says 2",
                "public.c: in the manifest (1 row), missing after the restore",
                "public.d: restored with 7 rows, not in the manifest",
            ],
            mismatches.Select(RestoredData.Describe));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<BackupManifest> WriteBackupAsync()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "dump"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "dump", "toc.dat"), "toc");
        await File.WriteAllBytesAsync(Path.Combine(_directory, "dump", "a.dat"), Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray());
        var manifest = new BackupManifest
        {
            Environment = "test",
            Node = "primary",
            Engine = "postgres",
            ServerVersion = "15",
            Kind = BackupKind.Logical,
            Layout = "test",
            Database = "app",
            SchemaVersion = 7,
            TakenAt = DateTimeOffset.UnixEpoch,
            Position = "0/1",
            Tools = new Dictionary<string, string> { ["pg_dump"] = "15" },
            Tables = [new TableChecksum("public.a", 3, "12345")],
            Files = await BackupFiles.DescribeAsync(_directory, CancellationToken.None),
        };
        await manifest.WriteAsync(_directory, CancellationToken.None);
        return manifest;
    }
}
