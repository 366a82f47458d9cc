using Orchestrator.Context;
using Orchestrator.Progress;
using Orchestrator.Replication;

namespace Orchestrator.Backups;

/// <summary>A backup as <c>backup list</c> shows it; for a physical one of an archived environment, how far replay from it reaches, or the gap that stops it.</summary>
internal sealed record ListedBackup(CatalogedBackup Backup, ArchivedCommit? ReachesTo, string? Gap);

/// <summary>The archive: its folder, log files and size, and the moments a point-in-time restore from the backups listed can reach (null bounds: none).</summary>
internal sealed record ArchiveWindow(string Directory, int Files, long Bytes, DateTimeOffset? Earliest, ArchivedCommit? Latest);

internal sealed record BackupListing(IReadOnlyList<ListedBackup> Backups, IReadOnlyList<UnreadableBackup> Unreadable, ArchiveWindow? Archive);

/// <summary>What <c>backup prune</c> kept and removed (or, in a dry run, would remove); <see cref="ArchiveLeftWhole"/> says why the archive was not pruned, when it was not.</summary>
internal sealed record PruneOutcome(
    IReadOnlyList<CatalogedBackup> Kept, IReadOnlyList<CatalogedBackup> Removed, ArchivePrune? Archive, string? ArchiveLeftWhole, IReadOnlyList<UnreadableBackup> Unreadable, bool DryRun);

/// <summary>
/// <c>backup list</c> and <c>backup prune</c>: an environment's backups in a folder and the
/// archive's window, and removing the backups beyond the newest few with the archive files that
/// none of the kept ones needs.
/// </summary>
internal static class BackupRetention
{
    public static async Task<BackupListing> ListAsync(EnvironmentContext context, string folder, CancellationToken cancellationToken)
    {
        var catalog = await BackupCatalog.ReadAsync(folder, context.Definition.Name, cancellationToken);
        if (context.Definition.Archive is not { } settings || context.Engine.Backups.Archive is not { } archive)
        {
            return new BackupListing(catalog.Backups.Select(b => new ListedBackup(b, null, null)).ToList(), catalog.Unreadable, null);
        }

        var listed = new List<ListedBackup>();
        foreach (var backup in catalog.Backups)
        {
            if (backup.Manifest.Kind != BackupKind.Physical)
            {
                listed.Add(new ListedBackup(backup, null, null));
                continue;
            }

            try
            {
                // Presence only: a listing looks at every backup, and rehearse proves the files whole.
                listed.Add(new ListedBackup(backup, await archive.CheckAsync(backup.Directory, settings, context.Definition.Local, cancellationToken, verifyContents: false), null));
            }
            catch (Exception e) when (e is BackupInvalidException or BackupRefusedException)
            {
                listed.Add(new ListedBackup(backup, null, e.Message));
            }
        }

        var reaching = listed.Where(l => l.Backup.Manifest.Kind == BackupKind.Physical && l.Gap is null).ToList();
        var files = archive.LogFiles(settings);
        var window = new ArchiveWindow(
            settings.Directory,
            files.Count,
            files.Sum(f => f.Length),
            reaching.Count == 0 ? null : reaching.Min(l => l.Backup.CompletedAt),
            reaching.Select(l => l.ReachesTo).OfType<ArchivedCommit>().MaxBy(c => c.CommittedAt));
        return new BackupListing(listed, catalog.Unreadable, window);
    }

    public static async Task<PruneOutcome> PruneAsync(EnvironmentContext context, string folder, int keep, bool dryRun, CancellationToken cancellationToken)
    {
        if (keep < 1)
        {
            throw new BackupRefusedException($"--keep {keep}: keep at least one backup of each kind; to remove every backup, delete the folders yourself");
        }

        var progress = context.Progress;
        var catalog = await BackupCatalog.ReadAsync(folder, context.Definition.Name, cancellationToken);
        var (kept, removed) = catalog.Prune(keep);

        // The archive first: what it may lose follows from the kept backups alone, and a kept backup
        // that cannot say where its replay starts stops everything before a file is removed.
        var (pruned, leftWhole) = await PruneArchiveAsync(context, folder, catalog, kept, dryRun, cancellationToken);
        foreach (var backup in removed.Where(_ => !dryRun))
        {
            await progress.StepAsync("backups", $"remove {backup.Directory} ({backup.Manifest.Kind.ToString().ToLowerInvariant()}, completed {backup.CompletedAt:u})", () =>
            {
                // The manifest goes first: a removal cut short leaves an incomplete backup that no listing or restore trusts.
                File.Delete(Path.Combine(backup.Directory, BackupManifest.FileName));
                Directory.Delete(backup.Directory, recursive: true);
                return Task.CompletedTask;
            });
        }

        return new PruneOutcome(kept, removed, pruned, leftWhole, catalog.Unreadable, dryRun);
    }

    private static async Task<(ArchivePrune? Pruned, string? LeftWhole)> PruneArchiveAsync(
        EnvironmentContext context, string folder, BackupCatalog catalog, IReadOnlyList<CatalogedBackup> kept, bool dryRun, CancellationToken cancellationToken)
    {
        if (context.Definition.Archive is not { } settings || context.Engine.Backups.Archive is not { } archive)
        {
            return (null, null);
        }

        if (catalog.Unreadable.Count > 0)
        {
            // Whose backup a damaged manifest describes, and where its replay starts, is unknown.
            return (null, $"{Counted.Of(catalog.Unreadable.Count, "backup")} in {folder} cannot be read, and one may need the oldest archive files: the archive was left whole. Repair or remove them, then prune again");
        }

        var keptPhysical = kept.Where(b => b.Manifest.Kind == BackupKind.Physical).Select(b => b.Directory).ToList();
        if (keptPhysical.Count == 0)
        {
            return (null, $"no physical backup of '{context.Definition.Name}' is kept in {folder}, and replay starts from one, so no archive file can be told unneeded: the archive was left whole");
        }

        ArchivePrune? pruned = null;
        await context.Progress.StepAsync("archive", dryRun ? "find the archive files no kept backup needs" : "remove the archive files no kept backup needs",
            async () => pruned = await archive.PruneAsync(keptPhysical, settings, dryRun, cancellationToken));
        return (pruned, null);
    }
}
