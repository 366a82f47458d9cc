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
