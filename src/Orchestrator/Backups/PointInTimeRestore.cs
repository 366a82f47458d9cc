using Orchestrator.Context;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Replication;

namespace Orchestrator.Backups;

/// <summary>
/// What <c>restore</c> and <c>rehearse</c> do before a point-in-time restore: refuse what cannot
/// reach the target (no archive, a logical backup, a target before the backup), have a running
/// primary archive its latest WAL, and prove the archive holds every file replay needs, whole,
/// before anything is restored.
/// </summary>
internal static class PointInTimeRestore
{
    /// <summary>
    /// The moments a point-in-time restore from this backup can reach: from the backup's completion
    /// to the archive's newest commit (after a running primary archived its latest WAL). The archive
    /// is checked on the way.
    /// </summary>
    public static async Task<(DateTimeOffset From, DateTimeOffset To)> WindowAsync(EnvironmentContext context, string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var (_, newest) = await CheckArchiveAsync(context, directory, manifest, cancellationToken);
        var from = manifest.TakenAt.AddSeconds(manifest.DurationSeconds);
        if (newest is null || newest.CommittedAt <= from)
        {
            throw new BackupRefusedException($"the archive records no commit after the backup in {directory} was completed ({from:u}): there is no window to rehearse points in");
        }

        return (from, newest.CommittedAt);
    }

    public static async Task<ArchiveReplay> PrepareAsync(EnvironmentContext context, string directory, BackupManifest manifest, RecoveryTarget target, CancellationToken cancellationToken)
    {
        var consistentFrom = manifest.TakenAt.AddSeconds(manifest.DurationSeconds);
        if (target.Time is { } moment && moment < consistentFrom)
        {
            throw new BackupRefusedException(
                $"the backup in {directory} was completed at {consistentFrom:u}, after the target {moment:u}: replay only goes forward from a backup. Restore an older physical backup");
        }

        if (context.Engine.Backups.Archive?.Unsupported(target) is { } unsupported)
        {
            throw new BackupRefusedException($"{unsupported}; nothing was restored");
        }

        var (archive, newest) = await CheckArchiveAsync(context, directory, manifest, cancellationToken);
        if (target.Time is { } at && (newest is null || at >= newest.CommittedAt))
        {
            if (at > DateTimeOffset.UtcNow.AddMinutes(1))
            {
                throw new BackupRefusedException($"the target {at:u} lies in the future; nothing was restored. Give a time in the past (UTC unless it names an offset)");
            }

            // Nothing after the target to stop at: the server would reach the end and fail. The end is the point.
            context.Progress.Report(new ProgressEvent("archive", newest is null
                ? "the archive records no commit since the backup: replay all of it"
                : $"the archive's newest commit (transaction {newest.TransactionId}, {newest.CommittedAt:yyyy-MM-dd HH:mm:ss.ffffff} UTC) precedes the target: replay all of it", ProgressKind.Info));
            return new ArchiveReplay(target, archive, ToEnd: true);
        }

        return new ArchiveReplay(target, archive);
    }

    /// <summary>
    /// Refuses what no replay can start from (no archive, a logical backup), has a running primary
    /// archive its latest WAL, and proves the archive whole from the backup on. Returns the archive
    /// and its newest commit (null: none since the backup).
    /// </summary>
    private static async Task<(ArchiveSettings Archive, ArchivedCommit? Newest)> CheckArchiveAsync(EnvironmentContext context, string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var (environment, engine, progress) = (context.Definition, context.Engine, context.Progress);
        if (environment.Archive is not { } archive || engine.Backups.Archive is not { } wal)
        {
            throw new BackupRefusedException(
                $"a point-in-time restore replays the archive of the log after a base backup, and environment '{environment.Name}' has none: " +
                "add backup.archive to its file (local or docker environments), run 'up' (and restart it with 'down' and 'up' if it was running), take a physical backup, and restore to a time after that backup");
        }

        if (manifest.Kind != BackupKind.Physical)
        {
            throw new BackupRefusedException(
                $"a point-in-time restore starts from a physical backup, whose copy the archived WAL continues; {directory} holds a {manifest.Kind.ToString().ToLowerInvariant()} one. Take one with 'backup --kind physical'");
        }

        if (context.State is { } state && engine.ArchiverProblems(environment, state) is { Count: > 0 } problems)
        {
            // Nothing would archive the log a switch closes: the archive's newest file is the newest point.
            progress.Report(new ProgressEvent("archive", $"the primary's latest log is not switched and archived: {string.Join("; ", problems)}", ProgressKind.Info));
        }
        else
        {
            await FlushPrimaryAsync(context, wal, archive, cancellationToken);
        }

        ArchivedCommit? newest = null;
        await progress.StepAsync("archive", "check that the archive holds every log file from the backup on, whole", async () => newest = await wal.CheckAsync(directory, archive, environment.Local, cancellationToken));
        return (archive, newest);
    }

    /// <summary>Has a running primary switch to a new log file and waits until the closed one is archived, so that a restore can reach its latest commit.</summary>
    private static async Task FlushPrimaryAsync(EnvironmentContext context, IWalArchive wal, ArchiveSettings archive, CancellationToken cancellationToken)
    {
        var (environment, engine, progress) = (context.Definition, context.Engine, context.Progress);
        try
        {
            var primary = await MigrationTarget.DiscoverPrimaryAsync(environment, engine, context.Credentials, cancellationToken);
            await progress.StepAsync(primary.Name, "archive the latest log (switch to a new file)", () => wal.FlushAsync(engine.AdminTarget(primary, context.Credentials), primary.Name, archive, cancellationToken));
        }
        catch (MigrationFailedException)
        {
            progress.Report(new ProgressEvent("archive", "no running primary: the archive's newest log is the newest point it can restore", ProgressKind.Info));
        }
    }
}
