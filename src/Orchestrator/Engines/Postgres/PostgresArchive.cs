using System.Globalization;
using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>The WAL archive a PostgreSQL environment's servers fill (backup.archive), as point-in-time restores use it.</summary>
internal sealed class PostgresArchive(PostgresEngine engine) : IWalArchive
{
    public async Task<ArchivedCommit?> CheckAsync(string backupDirectory, ArchiveSettings archive, LocalSettings local, CancellationToken cancellationToken, bool verifyContents = true)
    {
        var binaries = await PostgresBinaries.LocateAsync(local, cancellationToken);
        var data = Path.Combine(backupDirectory, PostgresBackups.DataDirectory);
        var (timeline, start) = PostgresArchiveReplay.BackupStart(data);
        var control = await ProcessRunner.RunCheckedAsync(new ProcessSpec(binaries.Path("pg_controldata"), [data]) { Environment = new Dictionary<string, string> { ["LC_ALL"] = "C" } }, cancellationToken);
        var sizeLine = control.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("Bytes per WAL segment:", StringComparison.Ordinal))
            ?? throw new LocalProviderException($"pg_controldata names no WAL segment size for {data}");
        var segmentSize = long.Parse(sizeLine["Bytes per WAL segment:".Length..].Trim(), CultureInfo.InvariantCulture);
        var segments = await PostgresWalArchive.CheckAsync(binaries, archive.WalDirectory, Path.Combine(data, "pg_wal"), timeline, start, segmentSize, verifyContents, cancellationToken);
        return await PostgresWalArchive.NewestCommitAsync(binaries, archive.WalDirectory, segments, cancellationToken) is { } newest
            ? new ArchivedCommit(newest.TransactionId, newest.CommittedAt, newest.Position)
            : null;
    }

    public Task<ArchivePrune> PruneAsync(IReadOnlyList<string> keptBackupDirectories, ArchiveSettings archive, bool dryRun, CancellationToken cancellationToken)
    {
        // Kept backups' starts are read before anything goes, so a backup that cannot say where it starts stops the pruning.
        var oldestNeeded = keptBackupDirectories
            .Select(b => PostgresArchiveReplay.BackupStartSegment(Path.Combine(b, PostgresBackups.DataDirectory)))
            .MinBy(segment => segment[8..], StringComparer.Ordinal)
            ?? throw new ArgumentException("pruning the archive needs at least one kept backup", nameof(keptBackupDirectories));
        var names = Directory.Exists(archive.WalDirectory) ? Directory.EnumerateFiles(archive.WalDirectory).Select(Path.GetFileName).OfType<string>() : [];
        var prunable = PostgresWalArchive.PrunableFiles(names, oldestNeeded);
        long bytes = 0;
        foreach (var name in prunable)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(archive.WalDirectory, name);
            bytes += new FileInfo(path).Length;
            if (!dryRun)
            {
                File.Delete(path);
            }
        }

        return Task.FromResult(new ArchivePrune(prunable, bytes, oldestNeeded));
    }

    /// <summary>Segments, partial segments, history and backup files; a copy under way is a dot file.</summary>
    public IReadOnlyList<FileInfo> LogFiles(ArchiveSettings archive) =>
        Directory.Exists(archive.WalDirectory)
            ? Directory.EnumerateFiles(archive.WalDirectory)
                .Where(f => !f.EndsWith(".sha256", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith('.'))
                .Select(f => new FileInfo(f))
                .ToList()
            : [];

    public string? Unsupported(RecoveryTarget target) => target.IsGtid
        ? $"{target.Value} is a MariaDB GTID; a PostgreSQL restore stops at a WAL position (--to-position 0/3000148), a transaction id (--to-transaction 742) or a time"
        : null;

    public async Task FlushAsync(ConnectionTarget primary, string primaryNode, ArchiveSettings archive, CancellationToken cancellationToken)
    {
        await using var session = await engine.ConnectAsync(primary, cancellationToken);
        var closed = (await session.QueryAsync("SELECT pg_walfile_name(pg_switch_wal()) AS segment", cancellationToken: cancellationToken)).Single().GetString("segment")!;
        await Poll.UntilAsync(
            async () => string.CompareOrdinal((await session.QueryAsync("SELECT coalesce(last_archived_wal, '') AS archived FROM pg_stat_archiver", cancellationToken: cancellationToken)).Single().GetString("archived"), closed) >= 0,
            TimeSpan.FromSeconds(60),
            () => $"the primary did not archive WAL segment {closed} within 60 s: see pg_stat_archiver and its log (is the archive folder writable?)",
            cancellationToken);
    }
}
