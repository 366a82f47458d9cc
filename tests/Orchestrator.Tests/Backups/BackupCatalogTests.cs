using Orchestrator.Backups;

namespace Orchestrator.Tests.Backups;

/// <summary>Which backups a folder holds for an environment, and which of them pruning keeps, on folders written here.</summary>
public sealed class BackupCatalogTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("orchestrator-backup-catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_folder_its_subfolders_and_theirs_are_searched_for_the_environments_backups_newest_first_and_damaged_ones_are_set_apart()
    {
        await WriteAsync("app-physical-1", "app", BackupKind.Physical, 1);
        await WriteAsync("app-logical-2", "app", BackupKind.Logical, 2);
        await WriteAsync(Path.Combine("shards", "app-physical-3"), "app", BackupKind.Physical, 3);
        await WriteAsync("other-physical-4", "other", BackupKind.Physical, 4);
        await WriteAsync(Path.Combine("a", "b", "too-deep"), "app", BackupKind.Physical, 5);
        var damaged = Path.Combine(_folder, "damaged");
        Directory.CreateDirectory(damaged);
        await File.WriteAllTextAsync(Path.Combine(damaged, BackupManifest.FileName), "{}");
        Directory.CreateDirectory(Path.Combine(_folder, "not-a-backup"));

        var catalog = await BackupCatalog.ReadAsync(_folder, "app", CancellationToken.None);

        Assert.Equal(["app-physical-3", "app-logical-2", "app-physical-1"], catalog.Backups.Select(b => Path.GetFileName(b.Directory)));
        Assert.Equal(Start.AddMinutes(3).AddSeconds(30), catalog.Backups[0].CompletedAt);
        Assert.Equal([damaged], catalog.Unreadable.Select(u => u.Directory));
    }

    [Fact]
    public async Task Pruning_keeps_the_newest_n_of_each_kind_and_removes_the_rest()
    {
        for (var i = 1; i <= 4; i++)
        {
            await WriteAsync($"physical-{i}", "app", BackupKind.Physical, i);
        }

        await WriteAsync("logical-5", "app", BackupKind.Logical, 5);
        var catalog = await BackupCatalog.ReadAsync(_folder, "app", CancellationToken.None);

        var (kept, removed) = catalog.Prune(2);

        Assert.Equal(["logical-5", "physical-4", "physical-3"], kept.Select(b => Path.GetFileName(b.Directory)));
        Assert.Equal(["physical-2", "physical-1"], removed.Select(b => Path.GetFileName(b.Directory)));
        Assert.Empty(catalog.Prune(10).Removed);
        Assert.Throws<ArgumentOutOfRangeException>(() => catalog.Prune(0));
    }

    [Fact]
    public async Task A_missing_folder_is_refused_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<BackupRefusedException>(() => BackupCatalog.ReadAsync(Path.Combine(_folder, "absent"), "app", CancellationToken.None));
        Assert.Contains("--in", error.Message, StringComparison.Ordinal);
    }

    private async Task WriteAsync(string relative, string environment, BackupKind kind, int minute)
    {
        var directory = Path.Combine(_folder, relative);
        Directory.CreateDirectory(directory);
        await new BackupManifest
        {
            Environment = environment,
            Node = "replica-1",
            Engine = "postgres",
            ServerVersion = "15",
            Kind = kind,
            Layout = "test",
            Database = "app",
            TakenAt = Start.AddMinutes(minute),
            DurationSeconds = 30,
            Position = "0/2000028",
            Tools = new Dictionary<string, string>(),
            Tables = [],
            Files = [],
        }.WriteAsync(directory, CancellationToken.None);
    }
}
