using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>The binary logs the archiver copies into backup.archive, as point-in-time restores use them.</summary>
internal sealed class MariaDbArchive(MariaDbEngine engine) : IWalArchive
{
    public async Task<ArchivedCommit?> CheckAsync(string backupDirectory, ArchiveSettings archive, LocalSettings local, CancellationToken cancellationToken, bool verifyContents = true)
    {
        var manifest = await BackupManifest.ReadAsync(backupDirectory, cancellationToken);
        var segments = await PlanAsync(archive, manifest.Position, verifyContents, cancellationToken);
        return segments.SelectMany(s => s.After).LastOrDefault() is { } newest
            ? new ArchivedCommit(newest.Gtid.ToString(), newest.At, newest.Gtid.ToString())
            : null;
    }

    /// <summary>The stretches of archived logs replay reads from <paramref name="position"/>, each log on the way proven whole (with <paramref name="verifyContents"/>).</summary>
    public static async Task<IReadOnlyList<ReplaySegment>> PlanAsync(ArchiveSettings archive, string position, bool verifyContents, CancellationToken cancellationToken)
    {
        var generations = await MariaDbBinlogArchive.ReadAsync(archive, verifyContents: false, cancellationToken);
        if (generations.Count == 0)
        {
            throw new BackupInvalidException(
                $"the archive in {archive.Directory} holds no binary log: is backup.archive the folder the archiver copies into, and did 'up' start it? Nothing was restored.");
        }

        var segments = MariaDbBinlogArchive.Plan(generations, position);
        if (verifyContents)
        {
            await MariaDbBinlogArchive.VerifyAsync(segments.SelectMany(s => s.Logs).Select(l => l.Path).ToList(), cancellationToken);
        }

        return segments;
    }

    public IReadOnlyList<FileInfo> LogFiles(ArchiveSettings archive) =>
        MariaDbBinlogArchive.Generations(archive).SelectMany(logs => logs).Select(log => new FileInfo(log)).ToList();

    public string? Unsupported(RecoveryTarget target) => target.Kind != RecoveryTargetKind.Time && !target.IsGtid
        ? $"'{target.Value}' is a PostgreSQL position or transaction id; a MariaDB restore stops at a transaction named by its GTID (--to-transaction 0-1-42, --to-position likewise) or a time"
        : null;

    public async Task FlushAsync(ConnectionTarget primary, string primaryNode, ArchiveSettings archive, CancellationToken cancellationToken)
    {
        await using var session = await engine.ConnectAsync(primary, cancellationToken);
        var closed = (await session.QueryAsync("SHOW MASTER STATUS", cancellationToken: cancellationToken)).Single().GetString("File")!;
        var switched = DateTime.UtcNow.AddSeconds(-2);
        await session.ExecuteAsync("FLUSH BINARY LOGS", cancellationToken: cancellationToken);

        // The primary's own folder: a replica's log of the same name, archived meanwhile, is not this one.
        var folder = MariaDbBinlogArchiver.NodeFolder(archive, primaryNode);
        await Poll.UntilAsync(
            () => Task.FromResult(Directory.Exists(folder) && Directory.EnumerateFiles(folder, closed, SearchOption.AllDirectories).Any(f => File.Exists(f + ".sha256") && File.GetLastWriteTimeUtc(f) >= switched)),
            TimeSpan.FromSeconds(30),
            () => $"binary log {closed}, closed on the primary '{primaryNode}' just now, was not archived within 30 s: is the binary-log archiver running? ('status' says so; 'up' starts it)",
            cancellationToken);
    }

    public async Task<ArchivePrune> PruneAsync(IReadOnlyList<string> keptBackupDirectories, ArchiveSettings archive, bool dryRun, CancellationToken cancellationToken)
    {
        var positions = new List<string>();
        foreach (var backup in keptBackupDirectories)
        {
            positions.Add((await BackupManifest.ReadAsync(backup, cancellationToken)).Position);
        }

        var generations = await MariaDbBinlogArchive.ReadAsync(archive, verifyContents: false, cancellationToken);
        var prunable = MariaDbBinlogArchive.Prunable(generations, positions);
        long bytes = 0;
        var files = new List<string>();
        foreach (var log in prunable)
        {
            foreach (var file in new[] { log, log + ".sha256" }.Where(File.Exists))
            {
                bytes += new FileInfo(file).Length;
                files.Add(Path.GetRelativePath(archive.Directory, file));
                if (!dryRun)
                {
                    File.Delete(file);
                }
            }
        }

        if (!dryRun)
        {
            // The nodes still have these logs: the archiver must not copy them back.
            foreach (var generation in prunable.GroupBy(Path.GetDirectoryName))
            {
                var kept = Directory.EnumerateFiles(generation.Key!, "binlog.??????").Select(Path.GetFileName).Order(StringComparer.Ordinal).FirstOrDefault()
                    ?? Path.GetFileName(generation.Max(StringComparer.Ordinal))!;
                await File.WriteAllTextAsync(Path.Combine(generation.Key!, MariaDbBinlogArchiver.PrunedBelowFile), kept + "\n", cancellationToken);
            }
        }

        var oldest = positions.OrderBy(p => GtidPosition.Distance(p, "")).First();
        return new ArchivePrune(files, bytes, $"GTID state {oldest}");
    }
}
