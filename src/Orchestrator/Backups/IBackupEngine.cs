using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Progress;

namespace Orchestrator.Backups;

/// <summary>Taking, checking and loading one engine's backups. One implementation per engine folder.</summary>
internal interface IBackupEngine
{
    /// <summary>
    /// Writes the backup's files into <see cref="BackupRequest.Directory"/> and returns what the
    /// manifest records, with the table checksums computed in the snapshot the backup saw.
    /// </summary>
    Task<TakenBackup> TakeAsync(BackupRequest request, CancellationToken cancellationToken);

    /// <summary>Row counts and content checksums of every table of a database, computed as <see cref="TakeAsync"/> does.</summary>
    Task<IReadOnlyList<TableChecksum>> ChecksumAsync(ConnectionTarget database, CancellationToken cancellationToken);

    /// <summary>Engine-specific checks of a physical backup's files (pg_verifybackup); nothing for other backups.</summary>
    Task VerifyAsync(string directory, BackupManifest manifest, LocalSettings local, CancellationToken cancellationToken);

    /// <summary>
    /// Loads a logical backup into <paramref name="admin"/>'s server as database
    /// <paramref name="database"/>, replacing that database. <paramref name="replicate"/> false
    /// keeps the load out of the replication stream (its replicas are rebuilt afterwards).
    /// </summary>
    Task RestoreLogicalAsync(ConnectionTarget admin, string database, string directory, BackupManifest manifest, bool replicate, LocalSettings local, ITopologyProgress progress, CancellationToken cancellationToken);

    /// <summary>The engine's continuous archive, which point-in-time restores replay; null for an engine without one yet.</summary>
    IWalArchive? Archive => null;
}
