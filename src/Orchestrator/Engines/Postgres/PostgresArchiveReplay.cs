using System.Diagnostics;
using System.Globalization;
using Orchestrator.Data;
using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// A point-in-time restore's replay of archived WAL: the settings recovery starts with (it pauses
/// at the target), and, once paused there, what was reached and the proof that the first
/// transaction after the target is not in the restored data, before recovery ends.
/// </summary>
internal static class PostgresArchiveReplay
{
    /// <summary>Recovery settings given on the server's command line for the restore.</summary>
    public static IReadOnlyList<(string Name, string Value)> Settings(ArchiveReplay replay) => replay.ToEnd
        ? [("restore_command", RestoreCommand(replay)), ("recovery_target_timeline", "latest")]
        :
    [
        ("restore_command", RestoreCommand(replay)),
        (replay.Target.Kind switch
        {
            RecoveryTargetKind.Time => "recovery_target_time",
            RecoveryTargetKind.Position => "recovery_target_lsn",
            _ => "recovery_target_xid",
        }, replay.Target.Value),
        ("recovery_target_inclusive", replay.Target.Inclusive ? "on" : "off"),
        ("recovery_target_timeline", "latest"),

        // Paused at the target, the server still answers what it replayed, and is asked about the
        // transaction after it, before anything new is written.
        ("recovery_target_action", "pause"),
    ];

    private static string RestoreCommand(ArchiveReplay replay) => $"cp \"{replay.ArchiveWalDirectory}/%f\" \"%p\"";

    /// <summary>
    /// Waits until replay paused at the target, reads the point reached, proves the first commit
    /// the archive holds after it absent, and ends recovery (the server is promoted).
    /// </summary>
    /// <exception cref="LocalProviderException">Recovery ended before the target, or the transaction after it is in the data.</exception>
    public static async Task<RecoveryPoint> ReachAsync(
        IDbSession session, ArchiveReplay replay, PostgresBinaries waldump, string backupDataDirectory, Stopwatch clock, Func<Task<string>> logTail, CancellationToken cancellationToken)
    {
        try
        {
            // Replayed to the end, recovery ends by itself; at a target, it pauses there.
            await Poll.UntilAsync(
                async () => (await session.QueryAsync(replay.ToEnd ? "SELECT NOT pg_is_in_recovery() AS paused" : "SELECT pg_is_in_recovery() AND pg_get_wal_replay_pause_state() = 'paused' AS paused", cancellationToken: cancellationToken)).Single().GetBoolean("paused") == true,
                TimeSpan.FromHours(24),
                () => $"replay did not reach {replay.Target}",
                cancellationToken);
        }
        catch (DatabaseException e)
        {
            throw new LocalProviderException($"recovery stopped before it reached {replay.Target} ({e.Message}); the server's log says:\n{await logTail()}");
        }

        var row = (await session.QueryAsync(
            "SELECT pg_last_wal_replay_lsn()::text AS reached, pg_last_xact_replay_timestamp() AS committed, pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid, " +
            "(SELECT setting FROM pg_settings WHERE name = 'wal_segment_size') AS segment_size",
            cancellationToken: cancellationToken)).Single();
        var reached = row.GetString("reached")!;
        DateTimeOffset? lastCommit = row.GetDateTime("committed") is { } committed ? new DateTimeOffset(DateTime.SpecifyKind(committed, DateTimeKind.Utc)) : null;
        if (replay.ToEnd)
        {
            // The archive's end: there is no transaction after it to prove absent.
            return new RecoveryPoint(replay.Target, reached, lastCommit, null, clock.Elapsed);
        }

        var (timeline, _) = BackupStart(backupDataDirectory);
        var timelines = PostgresWalArchive.TimelinesFrom(replay.ArchiveWalDirectory, timeline);
        SkippedTransaction? firstAfter = null;
        if (await PostgresWalArchive.FirstCommitAfterAsync(waldump, replay.ArchiveWalDirectory, timelines, PostgresWalArchive.ParseLsn(reached), long.Parse(row.GetString("segment_size")!, CultureInfo.InvariantCulture), cancellationToken) is { } next)
        {
            var status = await StatusAsync(session, next.TransactionId, ulong.Parse(row.GetString("next_xid")!, CultureInfo.InvariantCulture), cancellationToken);
            if (status == "committed")
            {
                throw new LocalProviderException(
                    $"replay to {replay.Target} stopped at {reached}, yet transaction {next.TransactionId}, which the archive records as committed after it at {next.CommittedAt:O}, is committed in the restored data; the restored node was left in recovery for inspection");
            }

            firstAfter = new SkippedTransaction(next.TransactionId, next.CommittedAt, next.Position, status);
        }

        await session.ExecuteAsync("SELECT pg_wal_replay_resume()", cancellationToken: cancellationToken);
        return new RecoveryPoint(replay.Target, reached, lastCommit, firstAfter, clock.Elapsed);
    }

    /// <summary>The WAL segment a physical backup's replay starts in (backup_label: START WAL LOCATION: 0/2000028 (file 000000010000000000000002)).</summary>
    public static string BackupStartSegment(string dataDirectory)
    {
        const string Prefix = "START WAL LOCATION:";
        var line = File.ReadLines(Path.Combine(dataDirectory, "backup_label")).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        var file = line?.IndexOf("(file ", StringComparison.Ordinal) is { } at and >= 0 ? line[(at + "(file ".Length)..].TrimEnd(')', ' ') : null;
        return file is { Length: 24 } ? file : throw new LocalProviderException($"{dataDirectory}/backup_label names no start WAL file; is this a pg_basebackup copy?");
    }

    /// <summary>The timeline and position a physical backup starts at (its backup_label).</summary>
    public static (uint Timeline, ulong Position) BackupStart(string dataDirectory)
    {
        uint? timeline = null;
        ulong? position = null;
        foreach (var line in File.ReadLines(Path.Combine(dataDirectory, "backup_label")))
        {
            if (line.StartsWith("START TIMELINE:", StringComparison.Ordinal))
            {
                timeline = uint.Parse(line["START TIMELINE:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("START WAL LOCATION:", StringComparison.Ordinal))
            {
                position = PostgresWalArchive.ParseLsn(line["START WAL LOCATION:".Length..].Trim().Split(' ')[0]);
            }
        }

        return (timeline ?? throw new LocalProviderException($"{dataDirectory}/backup_label names no START TIMELINE; is this a pg_basebackup copy?"),
            position ?? throw new LocalProviderException($"{dataDirectory}/backup_label names no START WAL LOCATION; is this a pg_basebackup copy?"));
    }

    /// <summary>
    /// What the restored server says of a transaction: committed, aborted, in progress, or "not
    /// completed in replay" when its id lies beyond the last transaction whose end replay applied
    /// (it ran on past the target, or never began; recovery's end aborts it either way).
    /// </summary>
    private static async Task<string> StatusAsync(IDbSession session, string xid, ulong nextFullXid, CancellationToken cancellationToken)
    {
        // A 32-bit id in the epoch of the next id (or the one before, when it wrapped since).
        var low = ulong.Parse(xid, CultureInfo.InvariantCulture);
        var epoch = nextFullXid >> 32;
        if (low > (nextFullXid & 0xFFFFFFFF) && epoch > 0)
        {
            epoch--;
        }

        var full = (epoch << 32) | low;
        if (full >= nextFullXid)
        {
            return "not completed in replay";
        }

        var status = (await session.QueryAsync("SELECT pg_xact_status($1::text::xid8) AS status", [full.ToString(CultureInfo.InvariantCulture)], cancellationToken)).Single().GetString("status");
        return status ?? "unknown";
    }
}
