using Orchestrator.Backups;
using Orchestrator.Engines.MariaDb;
using Orchestrator.Replication;

namespace Orchestrator.Tests.Engines;

/// <summary>How a restore reads the archived binary logs: their GTIDs and times, the logs replay reads from a backup's position, where it stops, and what pruning may take.</summary>
public sealed class MariaDbBinlogArchiveTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_logs_gtid_list_and_its_transactions_with_their_server_and_time_are_read_from_its_events_up_to_a_truncated_one()
    {
        var at = new DateTimeOffset(2026, 12, 6, 4, 34, 48, TimeSpan.Zero);
        var log = new List<byte>([0xfe, (byte)'b', (byte)'i', (byte)'n']);
        log.AddRange(Event(15, 1, at, new byte[100]));
        log.AddRange(Event(163, 2, at, [.. BitConverter.GetBytes(3u), .. Entry(1, 3, 7), .. Entry(0, 1, 35), .. Entry(0, 2, 40)]));
        log.AddRange(Event(162, 2, at.AddSeconds(1), [.. BitConverter.GetBytes(41UL), .. BitConverter.GetBytes(0u), 0, .. new byte[8]]));
        log.AddRange(Event(30, 2, at.AddSeconds(1), new byte[40]));
        log.AddRange(Event(161, 2, at.AddSeconds(1), new byte[8]));
        log.AddRange(Event(162, 3, at.AddHours(10), [.. BitConverter.GetBytes(7UL), .. BitConverter.GetBytes(1u), 0]));
        log.AddRange(Event(162, 3, at.AddHours(11), [.. BitConverter.GetBytes(8UL), .. BitConverter.GetBytes(1u), 0])[..25]);

        var (state, transactions) = MariaDbBinlogArchive.Read(new MemoryStream(log.ToArray()), "binlog.000001");

        Assert.Equal("0-2-40,1-3-7", state);
        Assert.Equal(["0-2-41", "1-3-7"], transactions.Select(t => t.Gtid.ToString()));
        Assert.Equal([at.AddSeconds(1), at.AddHours(10)], transactions.Select(t => t.At));

        // Each from its GTID event to the next event no transaction holds (a checkpoint here), the last to the end of the last whole event.
        Assert.Equal([(194L, 293L), (320L, 352L)], transactions.Select(t => (t.Offset, t.End)));
        var error = Assert.Throws<BackupInvalidException>(() => MariaDbBinlogArchive.Read(new MemoryStream("not a log"u8.ToArray()), "x"));
        Assert.Contains("is not a MariaDB binary log", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_read_again_unchanged_is_not_parsed_again_and_one_rewritten_is()
    {
        static byte[] LogOf(ulong sequence) =>
        [
            0xfe, (byte)'b', (byte)'i', (byte)'n', .. Event(15, 1, Noon, new byte[100]),
            .. Event(163, 1, Noon, [.. BitConverter.GetBytes(0u)]),
            .. Event(162, 1, Noon, [.. BitConverter.GetBytes(sequence), .. BitConverter.GetBytes(0u), 0]),
        ];

        var archive = Directory.CreateTempSubdirectory("orchestrator-archive-test-");
        try
        {
            var generation = Directory.CreateDirectory(Path.Combine(archive.FullName, "binlog", "primary", "g1"));
            var path = Path.Combine(generation.FullName, "binlog.000001");
            await File.WriteAllBytesAsync(path, LogOf(5));
            await File.WriteAllTextAsync(path + ".sha256", "written by the archiver\n");
            var settings = new Orchestrator.Environments.ArchiveSettings(archive.FullName, TimeSpan.FromSeconds(1));

            var first = (await MariaDbBinlogArchive.ReadAsync(settings, verifyContents: false, CancellationToken.None)).Single().Single();
            var again = (await MariaDbBinlogArchive.ReadAsync(settings, verifyContents: false, CancellationToken.None)).Single().Single();
            await File.WriteAllBytesAsync(path, [.. LogOf(6), .. new byte[7]]);
            var rewritten = (await MariaDbBinlogArchive.ReadAsync(settings, verifyContents: false, CancellationToken.None)).Single().Single();

            Assert.Equal(["0-1-5"], first.Transactions.Select(t => t.Gtid.ToString()));
            Assert.Same(first, again);
            Assert.Equal(["0-1-6"], rewritten.Transactions.Select(t => t.Gtid.ToString()));
        }
        finally
        {
            archive.Delete(recursive: true);
        }
    }

    private static byte[] Event(byte type, uint server, DateTimeOffset at, byte[] body) =>
    [
        .. BitConverter.GetBytes((uint)at.ToUnixTimeSeconds()), type, .. BitConverter.GetBytes(server),
        .. BitConverter.GetBytes((uint)(19 + body.Length)), .. BitConverter.GetBytes(0u), 0, 0, .. body,
    ];

    private static byte[] Entry(uint domain, uint server, ulong sequence) => [.. BitConverter.GetBytes(domain), .. BitConverter.GetBytes(server), .. BitConverter.GetBytes(sequence)];

    [Fact]
    public void Replay_starts_in_the_log_the_backup_position_falls_in_and_follows_the_generation_that_reaches_furthest()
    {
        var old = Generation("a/old", ("", [1, 2]), ("0-1-2", [3, 4]), ("0-1-4", [5]));
        var longer = Generation("b/long", ("", [1, 2]), ("0-1-2", [3, 4]), ("0-1-4", [5, 6]), ("0-1-6", [7]));

        var segments = MariaDbBinlogArchive.Plan([old, longer], "0-1-3");

        var segment = Assert.Single(segments);
        Assert.Equal("0-1-3", segment.StartState);
        Assert.Equal(["b/long/binlog.000002", "b/long/binlog.000003", "b/long/binlog.000004"], segment.Logs.Select(l => l.Path));
        Assert.Equal([4, 5, 6, 7], segment.After.Select(t => t.Gtid.Sequence));
    }

    [Fact]
    public void A_node_cloned_again_after_the_backup_continues_where_the_older_generation_ends()
    {
        var before = Generation("primary/one", ("", [1, 2, 3]), ("0-1-3", [4, 5]));
        var recloned = Generation("primary/two", ("0-1-5", [6, 7]));

        var segments = MariaDbBinlogArchive.Plan([before, recloned], "0-1-2");

        Assert.Equal(["0-1-2", "0-1-5"], segments.Select(s => s.StartState));
        Assert.Equal([3, 4, 5, 6, 7], segments.SelectMany(s => s.After).Select(t => t.Gtid.Sequence));
    }

    [Fact]
    public void A_missing_log_on_the_way_is_named_with_the_transactions_around_it_unless_another_generation_goes_past_it()
    {
        var gapped = Generation("replica/x", ("", [1, 2]), ("0-1-2", [3]));
        var withGap = gapped.Append(Log("replica/x", 4, "0-1-4", [5, 6])).ToList();

        var error = Assert.Throws<BackupInvalidException>(() => MariaDbBinlogArchive.Plan([withGap], "0-1-1"));
        Assert.Contains("lacks binary log replica/x/binlog.000003", error.Message, StringComparison.Ordinal);
        Assert.Contains("0-1-3 (2026-12-06 12:00:03 UTC) and 0-1-5 (2026-12-06 12:00:05 UTC)", error.Message, StringComparison.Ordinal);

        var whole = Generation("primary/y", ("", [1, 2]), ("0-1-2", [3, 4]), ("0-1-4", [5, 6]));
        Assert.Equal(6, MariaDbBinlogArchive.Plan([withGap, whole], "0-1-1").SelectMany(s => s.After).Last().Gtid.Sequence);
    }

    [Fact]
    public void Two_histories_after_the_backup_a_restore_forked_are_refused_and_one_before_it_is_not()
    {
        var before = Generation("primary/old", ("", [1, 2, 3, 4]));
        var restored = new List<ArchivedLog> { new("primary/new/binlog.000001", 1, "0-1-2", [new BinlogTransaction(new Gtid(0, 2, 3), Noon, 300, 400)]) };

        var error = Assert.Throws<BackupRefusedException>(() => MariaDbBinlogArchive.Plan([before, restored], "0-1-1"));
        Assert.Contains("two histories", error.Message, StringComparison.Ordinal);
        Assert.Contains("0-1-3 of 2026-12-06 12:00:03 UTC and 0-2-3 of 2026-12-06 12:00:00 UTC", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(MariaDbBinlogArchive.Plan([before, restored], "0-1-3"));

        // A restore marks the lines it leaves: replay follows the restored one past the fork.
        var sameServer = new List<ArchivedLog> { new("primary/new/binlog.000001", 1, "0-1-2", [new BinlogTransaction(new Gtid(0, 1, 3), Noon.AddHours(1), 300, 400), new BinlogTransaction(new Gtid(0, 1, 4), Noon.AddHours(1), 400, 500)]) };
        var followed = MariaDbBinlogArchive.Plan([MariaDbBinlogArchive.Truncate(before, "0-1-2"), sameServer], "0-1-1").SelectMany(p => p.After).ToList();
        Assert.Equal([2, 3, 4], followed.Select(t => t.Gtid.Sequence));
        Assert.All(followed.Skip(1), t => Assert.Equal(Noon.AddHours(1), t.At));

        // A replica's copy of the same transactions is one history.
        Assert.NotEmpty(MariaDbBinlogArchive.Plan([before, Generation("replica/copy", ("", [1, 2, 3, 4]))], "0-1-1"));
    }

    [Fact]
    public void A_time_stops_after_the_last_transaction_at_or_before_it_and_a_gtid_at_itself_or_just_before()
    {
        var segments = MariaDbBinlogArchive.Plan([Generation("p/g", ("", [1, 2, 3, 4, 5]))], "0-1-1");
        RecoveryTarget Target(RecoveryTargetKind kind, string value, bool inclusive = true) => RecoveryTarget.Parse(kind, value, inclusive, out _)!;

        Assert.Equal((3L, 4L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Time, "2026-12-06T12:00:03.5Z"))));
        Assert.Equal((3L, 4L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Time, "2026-12-06T12:00:03Z"))));
        Assert.Equal((2L, 3L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Time, "2026-12-06T12:00:03Z", inclusive: false))));
        Assert.Equal((0L, 2L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Time, "2026-12-06T11:00:00Z"))));
        Assert.Equal((4L, 5L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Transaction, "0-1-4"))));
        Assert.Equal((3L, 4L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Transaction, "0-1-4", inclusive: false))));
        Assert.Equal((5L, 0L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Time, "2026-12-06T13:00:00Z"))));
        Assert.Equal((4L, 5L), Seq(MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Time, "2026-12-06T12:00:05Z", inclusive: false))));
        var unknown = Assert.Throws<BackupRefusedException>(() => MariaDbBinlogArchive.Stop(segments, Target(RecoveryTargetKind.Transaction, "0-1-1")));
        Assert.Contains("0-1-2 to 0-1-5", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pruning_takes_the_logs_that_end_before_every_kept_backup_and_never_a_generations_last()
    {
        var line = Generation("p/g", ("", [1, 2]), ("0-1-2", [3, 4]), ("0-1-4", [5, 6]), ("0-1-6", [7]));
        var ended = Generation("r/old", ("", [1, 2]));

        Assert.Equal(["p/g/binlog.000001", "p/g/binlog.000002"], MariaDbBinlogArchive.Prunable([line, ended], ["0-1-5", "0-1-6"]));
        Assert.Equal(["p/g/binlog.000001"], MariaDbBinlogArchive.Prunable([line], ["0-1-3", "0-1-6"]));
        Assert.Empty(MariaDbBinlogArchive.Prunable([line], ["0-1-1"]));
    }

    [Fact]
    public void Relay_pieces_hold_each_segments_transactions_after_its_start_and_end_with_the_targets()
    {
        var before = Generation("primary/one", ("", [1, 2, 3]), ("0-1-3", [4, 5]));
        var recloned = Generation("primary/two", ("0-1-5", [6, 7]));
        var segments = MariaDbBinlogArchive.Plan([before, recloned], "0-1-2");
        var last = segments.SelectMany(s => s.After).Single(t => t.Gtid.Sequence == 6);

        Assert.Equal(
            [new RelayPiece("primary/one/binlog.000001", 300, 400, 1), new RelayPiece("primary/one/binlog.000002", 400, 600, 2), new RelayPiece("primary/two/binlog.000001", 600, 700, 1)],
            MariaDbRelayLogs.Pieces(segments, last));
        Assert.Equal([new RelayPiece("primary/one/binlog.000001", 300, 400, 1)], MariaDbRelayLogs.Pieces(segments, segments[0].After.First()));
    }

    [Fact]
    public void A_relay_piece_starts_mid_log_after_what_the_state_holds_and_ends_where_an_abandoned_line_does()
    {
        var one = Generation("primary/one", ("", [1, 2, 3]), ("0-1-3", [4, 5]));
        var two = Generation("replica/two", ("0-1-3", [4, 5, 6, 7]));
        var segments = MariaDbBinlogArchive.Plan([one, two], "0-1-2");
        Assert.Equal(
            [new RelayPiece("primary/one/binlog.000001", 300, 400, 1), new RelayPiece("primary/one/binlog.000002", 400, 600, 2), new RelayPiece("replica/two/binlog.000001", 600, 800, 2)],
            MariaDbRelayLogs.Pieces(segments, segments[^1].After.Last()));

        // A restore to 0-1-6 left 0-1-7 behind: the piece ends with 0-1-6, not at the log's end.
        var abandoned = MariaDbBinlogArchive.Truncate(two, "0-1-6");
        var after = MariaDbBinlogArchive.Plan([one, abandoned], "0-1-2");
        Assert.Equal(new RelayPiece("replica/two/binlog.000001", 600, 700, 1), MariaDbRelayLogs.Pieces(after, after[^1].After.Last())[^1]);
    }

    [Fact]
    public void The_applier_keeps_the_nodes_server_id_unless_the_archive_holds_transactions_of_it()
    {
        Assert.Equal(5, MariaDbRelayLogs.ApplierServerId(5, new HashSet<long> { 1, 2 }));
        Assert.Equal(3, MariaDbRelayLogs.ApplierServerId(1, new HashSet<long> { 1, 2 }));
        Assert.Equal(1, MariaDbRelayLogs.ApplierServerId(2, new HashSet<long> { 2, 3 }));
    }

    [Fact]
    public async Task A_relay_log_is_the_archived_logs_format_description_and_its_piece_and_its_index_lists_them_in_order()
    {
        var at = new DateTimeOffset(2026, 12, 6, 4, 34, 48, TimeSpan.Zero);
        var description = Event(15, 1, at, Enumerable.Repeat((byte)7, 100).ToArray());
        var log = new List<byte>([0xfe, (byte)'b', (byte)'i', (byte)'n', .. description]);
        log.AddRange(Enumerable.Range(0, 300).Select(i => (byte)i));
        var folder = Directory.CreateTempSubdirectory("orchestrator-relay-test-");
        try
        {
            var archived = Path.Combine(folder.FullName, "binlog.000001");
            await File.WriteAllBytesAsync(archived, log.ToArray());
            var relays = Directory.CreateDirectory(Path.Combine(folder.FullName, "relay"));
            var from = 4 + description.Length + 50;

            await MariaDbRelayLogs.WriteAsync([new RelayPiece(archived, from, from + 120, 1), new RelayPiece(archived, from + 120, from + 130, 1)], relays.FullName, CancellationToken.None);

            var first = await File.ReadAllBytesAsync(Path.Combine(relays.FullName, "relay-bin.000001"));
            var second = await File.ReadAllBytesAsync(Path.Combine(relays.FullName, "relay-bin.000002"));
            Assert.Equal([.. log.Take(4 + description.Length), .. log.Skip(from).Take(120)], first);
            Assert.Equal([.. log.Take(4 + description.Length), .. log.Skip(from + 120).Take(10)], second);
            Assert.Equal("./relay-bin.000001\n./relay-bin.000002\n", MariaDbRelayLogs.Index(2));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (long, long) Seq((BinlogTransaction? Last, BinlogTransaction? FirstAfter) stop) => (stop.Last?.Gtid.Sequence ?? 0, stop.FirstAfter?.Gtid.Sequence ?? 0);

    /// <summary>Logs binlog.000001 on, each with the GTID state before it and its transactions (domain 0, server 1, committed at noon plus their sequence in seconds, at bytes 100 times their sequence up to the next hundred).</summary>
    private static IReadOnlyList<ArchivedLog> Generation(string folder, params (string Before, long[] Sequences)[] logs) =>
        logs.Select((log, i) => Log(folder, i + 1, log.Before, log.Sequences)).ToList();

    private static ArchivedLog Log(string folder, long number, string before, long[] sequences) =>
        new($"{folder}/binlog.{number:D6}", number, before, sequences.Select(n => new BinlogTransaction(new Gtid(0, 1, n), Noon.AddSeconds(n), n * 100, (n * 100) + 100)).ToList());
}
