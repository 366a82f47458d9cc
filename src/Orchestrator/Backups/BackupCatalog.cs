namespace Orchestrator.Backups;

/// <summary>A backup found in a folder, with its manifest (checked against its digest).</summary>
internal sealed record CatalogedBackup(string Directory, BackupManifest Manifest)
{
    /// <summary>The moment the backup's copy is consistent from: a point-in-time restore from it reaches no earlier.</summary>
    public DateTimeOffset CompletedAt => Manifest.TakenAt.AddSeconds(Manifest.DurationSeconds);
}

/// <summary>A folder that looks like a backup (it has a manifest) whose manifest cannot be trusted; it is never counted or removed.</summary>
internal sealed record UnreadableBackup(string Directory, string Reason);

/// <summary>
/// An environment's backups in a folder (the default <c>./backups</c> that <c>backup</c> writes
/// to, or the folder the user keeps them in): the folder itself, its subfolders and theirs, since
/// a sharded backup puts each shard's in a subfolder of its own.
/// </summary>
internal sealed record BackupCatalog(IReadOnlyList<CatalogedBackup> Backups, IReadOnlyList<UnreadableBackup> Unreadable)
{
    private const int Depth = 2;

    /// <summary>The backups of <paramref name="environment"/> in <paramref name="folder"/>, newest first.</summary>
    public static async Task<BackupCatalog> ReadAsync(string folder, string environment, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            throw new BackupRefusedException($"backup folder {folder} does not exist; name the folder the backups are in with --in");
        }

        var backups = new List<CatalogedBackup>();
        var unreadable = new List<UnreadableBackup>();
        foreach (var directory in Candidates(Path.GetFullPath(folder), Depth))
        {
            try
            {
                var manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
                if (manifest.Environment == environment)
                {
                    backups.Add(new CatalogedBackup(directory, manifest));
                }
            }
            catch (BackupInvalidException e)
            {
                unreadable.Add(new UnreadableBackup(directory, e.Message));
            }
        }

        return new BackupCatalog(backups.OrderByDescending(b => b.CompletedAt).ToList(), unreadable);
    }

    /// <summary>
    /// Which backups <c>prune --keep N</c> keeps: the N newest of each kind, since a logical backup
    /// and a physical one serve different restores (only a physical one starts a point-in-time
    /// replay). Pure.
    /// </summary>
    public (IReadOnlyList<CatalogedBackup> Kept, IReadOnlyList<CatalogedBackup> Removed) Prune(int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var kept = Backups.GroupBy(b => b.Manifest.Kind).SelectMany(kind => kind.OrderByDescending(b => b.CompletedAt).Take(keep)).ToHashSet();
        return (Backups.Where(kept.Contains).ToList(), Backups.Where(b => !kept.Contains(b)).ToList());
    }

    /// <summary>Folders that hold a manifest, down to <paramref name="depth"/> levels below <paramref name="folder"/>; a backup's own folders are not searched.</summary>
    private static IEnumerable<string> Candidates(string folder, int depth)
    {
        if (File.Exists(Path.Combine(folder, BackupManifest.FileName)))
        {
            yield return folder;
            yield break;
        }

        if (depth == 0)
        {
            yield break;
        }

        foreach (var child in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            foreach (var found in Candidates(child, depth - 1))
            {
                yield return found;
            }
        }
    }
}
