using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Replication;

namespace Orchestrator.Backups;

/// <summary>What pruning took (or, in a dry run, would take) from the archive: its files and their size, and the oldest log file kept.</summary>
internal sealed record ArchivePrune(IReadOnlyList<string> Files, long Bytes, string OldestKept);

/// <summary>An engine's continuous archive of its log, which point-in-time restores replay (PostgreSQL's WAL, MariaDB's binary logs).</summary>
internal interface IWalArchive
{
    /// <summary>
    /// Proves that the archive holds, whole (checksums), every file replay needs from the physical
    /// backup in <paramref name="backupDirectory"/> to the archive's newest; a gap or a damaged file
    /// is refused (<see cref="BackupInvalidException"/>), naming it and the time it covers. Returns
    /// the newest commit the archive records (null: none since the backup), its end for a restore.
    /// Without <paramref name="verifyContents"/> only the files' presence is checked, not their checksums.
    /// </summary>
    Task<ArchivedCommit?> CheckAsync(string backupDirectory, ArchiveSettings archive, LocalSettings local, CancellationToken cancellationToken, bool verifyContents = true);

    /// <summary>
    /// The archive files that no replay from any of <paramref name="keptBackupDirectories"/> (physical
    /// backups) reads, deleted unless <paramref name="dryRun"/>.
    /// </summary>
    Task<ArchivePrune> PruneAsync(IReadOnlyList<string> keptBackupDirectories, ArchiveSettings archive, bool dryRun, CancellationToken cancellationToken);

    /// <summary>The archive's log files, whole: not their checksums, nor the marks and partial copies beside them.</summary>
    IReadOnlyList<FileInfo> LogFiles(ArchiveSettings archive);

    /// <summary>Why this engine cannot stop at <paramref name="target"/> (a GTID on PostgreSQL, a WAL position on MariaDB); null when it can.</summary>
    string? Unsupported(RecoveryTarget target);

    /// <summary>Has the running primary close its current log file and waits until it is archived, so that a restore can reach its latest commit.</summary>
    Task FlushAsync(ConnectionTarget primary, string primaryNode, ArchiveSettings archive, CancellationToken cancellationToken);
}
