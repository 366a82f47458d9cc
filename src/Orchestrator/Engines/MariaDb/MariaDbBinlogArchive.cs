using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Backups;
using Orchestrator.Environments;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// A transaction a binary log records: its GTID, the time of its first event (whole seconds, the
/// statement's start), and where its events lie in the log: from its GTID event at
/// <paramref name="Offset"/> to <paramref name="End"/> (the next transaction's GTID event, or the
/// end of the log's last whole event).
/// </summary>
internal sealed record BinlogTransaction(Gtid Gtid, DateTimeOffset At, long Offset, long End);

/// <summary>One archived binary log: where it is, the GTID state before it (its GTID list event) and the transactions it records.</summary>
internal sealed record ArchivedLog(string Path, long Number, string StateBefore, IReadOnlyList<BinlogTransaction> Transactions);

/// <summary>
/// A stretch of one generation's logs that replay reads: from <see cref="StartState"/> (exclusive)
/// through its logs' transactions, in order.
/// </summary>
internal sealed record ReplaySegment(string StartState, IReadOnlyList<ArchivedLog> Logs)
{
    public IEnumerable<BinlogTransaction> After => Logs.SelectMany(l => l.Transactions).Where(t => !GtidPosition.Covers(StartState, t.Gtid));
}

/// <summary>
/// The binary logs the archiver fills (<c>ARCHIVE/binlog/NODE/GENERATION/</c>) as a restore reads
/// them: which logs lead from a backup's GTID position to the newest archived transaction (across
/// generations, since a node cloned again starts a new one), whether each is there and whole, and
/// the transactions on the way, with where each lies in its log (read from their GTID events; the
/// server's applier decodes the rest, see <see cref="MariaDbRelayLogs"/>).
/// </summary>
internal static partial class MariaDbBinlogArchive
{
    /// <summary>A binary log's first bytes: 0xfe 'b' 'i' 'n'.</summary>
    private static readonly byte[] Magic = [0xfe, (byte)'b', (byte)'i', (byte)'n'];

    /// <summary>An event header: timestamp (4), type (1), server id (4), length (4), next position (4), flags (2).</summary>
    private const int HeaderLength = 19;

    private const byte GtidEvent = 162;

    private const byte GtidListEvent = 163;

    /// <summary>Events that no transaction holds (stop, rotate, format description, binlog checkpoint, GTID, GTID list, start encryption): the first after a transaction ends it.</summary>
    private static readonly byte[] BetweenTransactions = [3, 4, 15, 161, GtidEvent, GtidListEvent, 164];

    [GeneratedRegex(@"^binlog\.(?<n>\d{6,})$")]
    private static partial Regex LogName();

    /// <summary>
    /// The GTID state before a log (its GTID list event) and its transactions (its GTID events:
    /// their GTIDs and header times), read event by event from <paramref name="log"/> (which must
    /// seek): only GTID and GTID-list events are read past their header, so a log of any size takes
    /// little memory. A truncated last event (a crash) ends the reading.
    /// </summary>
    /// <exception cref="BackupInvalidException">The bytes are not a binary log.</exception>
    public static (string StateBefore, IReadOnlyList<BinlogTransaction> Transactions) Read(Stream log, string name)
    {
        var magic = new byte[Magic.Length];
        if (log.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length || !magic.AsSpan().SequenceEqual(Magic))
        {
            throw new BackupInvalidException($"archived file {name} is not a MariaDB binary log (its first bytes are not a binary log's); nothing was restored");
        }

        var entries = new List<Gtid>();
        var transactions = new List<BinlogTransaction>();
        var header = new byte[HeaderLength];
        long at = Magic.Length;
        var open = false;
        while (at + HeaderLength <= log.Length)
        {
            log.Position = at;
            log.ReadExactly(header);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(9));
            if (length < HeaderLength || at + length > log.Length)
            {
                break;
            }

            var server = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(5));
            if (open && BetweenTransactions.Contains(header[4]))
            {
                transactions[^1] = transactions[^1] with { End = at };
                open = false;
            }

            if (header[4] is GtidEvent or GtidListEvent)
            {
                var body = new byte[length - HeaderLength];
                log.ReadExactly(body);
                if (header[4] == GtidEvent && body.Length >= 12)
                {
                    transactions.Add(new BinlogTransaction(
                        new Gtid(BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(8)), server, (long)BinaryPrimitives.ReadUInt64LittleEndian(body)),
                        DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32LittleEndian(header)),
                        at,
                        at));
                    open = true;
                }
                else if (header[4] == GtidListEvent && body.Length >= 4 && entries.Count == 0)
                {
                    var count = (int)(BinaryPrimitives.ReadUInt32LittleEndian(body) & 0x0fffffff);
                    for (var i = 0; i < count && 4 + ((i + 1) * 16) <= body.Length; i++)
                    {
                        var entry = body.AsSpan(4 + (i * 16));
                        entries.Add(new Gtid(BinaryPrimitives.ReadUInt32LittleEndian(entry), BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[8..])));
                    }
                }
            }

            at += length;
        }

        if (open)
        {
            transactions[^1] = transactions[^1] with { End = at };
        }

        // The list names the last GTID of each server in a domain: the domain is at the highest.
        return (string.Join(',', entries.GroupBy(g => g.Domain).OrderBy(d => d.Key).Select(d => d.MaxBy(g => g.Sequence)!)), transactions);
    }

    /// <summary>
    /// The segments replay reads from <paramref name="backupPosition"/> to the newest archived
    /// transaction: at each step, among the generations that hold the current state's very
    /// transaction (its server too: a line that parted from it holds another), the one that reaches
    /// furthest, read from the log after which the state is passed, for as long as each log ends
    /// where the next one begins. Pure over the logs read.
    /// </summary>
    /// <exception cref="BackupInvalidException">A log on the way is missing or incomplete (named, with the times it covers).</exception>
    /// <exception cref="BackupRefusedException">The archive holds two histories after the position, or several GTID domains.</exception>
    public static IReadOnlyList<ReplaySegment> Plan(IReadOnlyList<IReadOnlyList<ArchivedLog>> generations, string backupPosition)
    {
        RefuseSeveralDomains(generations, backupPosition);
        RefuseForkedHistory(generations, backupPosition);
        var segments = new List<ReplaySegment>();
        var state = backupPosition;
        string? gap = null;
        while (true)
        {
            (ReplaySegment Segment, string Reach, string? Gap)? best = null;
            foreach (var logs in generations.Where(g => Holds(g, state)))
            {
                // Replay starts in the last log that begins at or before the state.
                var start = -1;
                for (var i = logs.Count - 1; i >= 0 && start < 0; i--)
                {
                    start = GtidPosition.Covers(state, logs[i].StateBefore) ? i : -1;
                }

                if (start < 0)
                {
                    continue;
                }

                var run = new List<ArchivedLog> { logs[start] };
                string? stop = null;
                for (var i = start + 1; i < logs.Count && stop is null; i++)
                {
                    stop = logs[i].Number != logs[i - 1].Number + 1 ? MissingMessage(logs[i - 1], logs[i])
                        : !SameState(Advance(logs[i - 1].StateBefore, logs[i - 1].Transactions), logs[i].StateBefore) ? IncompleteMessage(logs[i - 1], logs[i])
                        : null;
                    if (stop is null)
                    {
                        run.Add(logs[i]);
                    }
                }

                var segment = new ReplaySegment(state, run);
                var reach = Advance(state, segment.After);
                if (GtidPosition.Distance(reach, best?.Reach ?? state) > 0)
                {
                    best = (segment, reach, stop);
                }
            }

            if (best is not { } chosen)
            {
                break;
            }

            segments.Add(chosen.Segment);
            state = chosen.Reach;
            gap = chosen.Gap;
        }

        // Transactions archived beyond where replay can get: a log on the way is missing.
        if (generations.SelectMany(g => g).SelectMany(l => l.Transactions).FirstOrDefault(t => !GtidPosition.Covers(state, t.Gtid)) is { } beyond)
        {
            throw new BackupInvalidException(gap ?? $"no archived binary log continues from GTID state '{state}', yet the archive holds later transactions ({beyond.Gtid} at {beyond.At:yyyy-MM-dd HH:mm:ss} UTC); nothing was restored. Restore a base backup taken after the gap.");
        }

        return segments;
    }

    /// <summary>Whether a generation holds the very transactions a state names (none named: any does): as one of its transactions, or where one of its logs begins.</summary>
    private static bool Holds(IReadOnlyList<ArchivedLog> logs, string state) =>
        GtidPosition.Entries(state).All(gtid => gtid.Sequence == 0
            || logs.Any(l => GtidPosition.Entries(l.StateBefore).Contains(gtid) || l.Transactions.Any(t => t.Gtid == gtid)));

    private static bool SameState(string a, string b) => GtidPosition.Covers(a, b) && GtidPosition.Covers(b, a);

    /// <summary>Replay stops at one transaction, which names one domain: an archive of several is beyond it.</summary>
    private static void RefuseSeveralDomains(IReadOnlyList<IReadOnlyList<ArchivedLog>> generations, string backupPosition)
    {
        var domains = generations.SelectMany(g => g).SelectMany(l => l.Transactions).Select(t => t.Gtid.Domain)
            .Concat(GtidPosition.Entries(backupPosition).Select(g => g.Domain))
            .Distinct().Order().ToList();
        if (domains.Count > 1)
        {
            throw new BackupRefusedException(
                $"the archive and the backup span {domains.Count} GTID domains ({string.Join(", ", domains)}); a point-in-time restore here stops at one transaction of one domain. Nothing was restored: restore the physical backup as it was taken.");
        }
    }

    /// <summary>
    /// A history that parted (a failover that lost transactions the old primary had archived): two
    /// transactions with one sequence number in a domain, from different servers. Which one a
    /// replay should follow is the user's call, not a guess. (A restore marks the lines it leaves
    /// behind, see <see cref="AbandonedAfterFile"/>, so its fork is no such question.)
    /// </summary>
    private static void RefuseForkedHistory(IReadOnlyList<IReadOnlyList<ArchivedLog>> generations, string backupPosition)
    {
        var fork = generations.SelectMany(g => g).SelectMany(l => l.Transactions)
            .Where(t => !GtidPosition.Covers(backupPosition, t.Gtid))
            .GroupBy(t => (t.Gtid.Domain, t.Gtid.Sequence))
            .Where(same => same.Select(t => t.Gtid.Server).Distinct().Count() > 1)
            .OrderBy(same => same.Key.Sequence)
            .FirstOrDefault();
        if (fork is not null)
        {
            throw new BackupRefusedException(
                $"the archive holds two histories after the backup's GTID position '{backupPosition}': {string.Join(" and ", fork.Select(t => $"{t.Gtid} of {t.At:yyyy-MM-dd HH:mm:ss} UTC").Distinct())} both follow it " +
                "(a failover that lost transactions the old primary had archived). Nothing was restored: restore a physical backup taken after the fork, or move the lost line's generation folder out of the archive.");
        }
    }

    private static string IncompleteMessage(ArchivedLog log, ArchivedLog next) =>
        $"archived binary log {log.Path} ends at GTID state '{Advance(log.StateBefore, log.Transactions)}', but the next one begins at '{next.StateBefore}': it is incomplete (copied while its server still wrote it?). " +
        "Nothing was restored. Copy the whole log into the archive from its node, or restore a base backup taken after it with a target after it.";

    private static string MissingMessage(ArchivedLog before, ArchivedLog after)
    {
        var missing = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(before.Path)!, $"binlog.{(before.Number + 1).ToString("D6", CultureInfo.InvariantCulture)}");
        return $"the archive lacks binary log {missing}, which replay from the backup needs; it covers the transactions between " +
            $"{Moment(before.Transactions.LastOrDefault())} and {Moment(after.Transactions.FirstOrDefault())}. Nothing was restored. " +
            "Restore it into the archive from wherever it was copied, or restore a base backup taken after it with a target after it.";
    }

    /// <summary>The generations in the archive, each its whole logs in order (a log without its checksum is being written, and is left out).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Generations(ArchiveSettings archive)
    {
        var root = System.IO.Path.Combine(archive.Directory, "binlog");
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(root).SelectMany(Directory.EnumerateDirectories).Order(StringComparer.Ordinal)
            .Select(folder => (IReadOnlyList<string>)Directory.EnumerateFiles(folder)
                .Where(f => LogName().IsMatch(System.IO.Path.GetFileName(f)) && File.Exists(f + ".sha256"))
                .Order(StringComparer.Ordinal)
                .ToList())
            .Where(logs => logs.Count > 0)
            .ToList();
    }

    /// <summary>
    /// The file in a generation's folder that a restore writes when it leaves the line behind: the
    /// GTID state the restored servers wrote on from. What the line holds after it is a history no
    /// longer followed (as PostgreSQL's timeline history tells), and replay ignores it.
    /// </summary>
    public const string AbandonedAfterFile = "abandoned-after";

    /// <summary>A generation as replay sees it: without what it holds after the state its line was abandoned at (null: not abandoned). Pure.</summary>
    public static IReadOnlyList<ArchivedLog> Truncate(IReadOnlyList<ArchivedLog> logs, string? abandonedAfter) =>
        abandonedAfter is null
            ? logs
            : logs.Where(l => GtidPosition.Covers(abandonedAfter, l.StateBefore))
                .Select(l => l with { Transactions = l.Transactions.Where(t => GtidPosition.Covers(abandonedAfter, t.Gtid)).ToList() })
                .ToList();

    /// <summary>
    /// Marks every generation that holds transactions after <paramref name="restoredState"/> as
    /// abandoned there (keeping an earlier mark): the restored servers write on from that state.
    /// </summary>
    public static async Task MarkAbandonedAsync(ArchiveSettings archive, string restoredState, CancellationToken cancellationToken)
    {
        foreach (var logs in await ReadAsync(archive, verifyContents: false, cancellationToken))
        {
            if (logs.Count == 0 || !logs.SelectMany(l => l.Transactions).Any(t => !GtidPosition.Covers(restoredState, t.Gtid)))
            {
                continue;
            }

            var marker = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(logs[0].Path)!, AbandonedAfterFile);
            if (File.Exists(marker) && GtidPosition.Covers(restoredState, (await File.ReadAllTextAsync(marker, cancellationToken)).Trim()))
            {
                continue;
            }

            await File.WriteAllTextAsync(marker + ".new", restoredState + "\n", cancellationToken);
            File.Move(marker + ".new", marker, overwrite: true);
        }
    }

    /// <summary>
    /// Logs this process parsed, by path, with the length and write time they had: the archiver
    /// copies only closed logs, so an archived log does not change, and a point-in-time restore
    /// reads the archive to check it, then again to place its replay.
    /// </summary>
    private static readonly ConcurrentDictionary<string, (long Length, DateTime Written, ArchivedLog Log)> ParsedLogs = new();

    /// <summary>Reads every archived log's GTID list and transactions, and with <paramref name="verifyContents"/> checks each against its checksum first.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<ArchivedLog>>> ReadAsync(ArchiveSettings archive, bool verifyContents, CancellationToken cancellationToken)
    {
        var read = new List<IReadOnlyList<ArchivedLog>>();
        var generations = Generations(archive);
        foreach (var logs in generations)
        {
            var parsed = new ArchivedLog[logs.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, logs.Count), BackupFiles.OnAllCores(cancellationToken), async (i, token) =>
            {
                if (verifyContents)
                {
                    await CheckSumAsync(logs[i], token);
                }

                parsed[i] = Parsed(logs[i]);
            });
            var marker = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(logs[0])!, AbandonedAfterFile);
            read.Add(Truncate(parsed, File.Exists(marker) ? (await File.ReadAllTextAsync(marker, cancellationToken)).Trim() : null));
        }

        // Only what this archive holds now stays kept: pruned logs go.
        var archived = generations.SelectMany(logs => logs).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in ParsedLogs.Keys.Where(path => path.StartsWith(archive.Directory, StringComparison.Ordinal) && !archived.Contains(path)))
        {
            ParsedLogs.TryRemove(gone, out _);
        }

        return read;
    }

    private static ArchivedLog Parsed(string path)
    {
        var file = new FileInfo(path);
        if (ParsedLogs.TryGetValue(path, out var kept) && kept.Length == file.Length && kept.Written == file.LastWriteTimeUtc)
        {
            return kept.Log;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        var (state, transactions) = Read(stream, path);
        var log = new ArchivedLog(path, long.Parse(LogName().Match(System.IO.Path.GetFileName(path)).Groups["n"].Value, CultureInfo.InvariantCulture), state, transactions);
        ParsedLogs[path] = (file.Length, file.LastWriteTimeUtc, log);
        return log;
    }

    /// <summary>
    /// Where a replay of <paramref name="segments"/> stops for <paramref name="target"/>: the last
    /// transaction to apply (null: none after the backup) and the first one left out (null: none
    /// archived after it). A time target takes the last transaction whose first event's time (whole
    /// seconds) is at or before it (before it, exclusive); a GTID the transaction itself (the one
    /// before it, exclusive). Pure.
    /// </summary>
    /// <exception cref="BackupRefusedException">A GTID target the archive does not hold after the backup.</exception>
    public static (BinlogTransaction? Last, BinlogTransaction? FirstAfter) Stop(IReadOnlyList<ReplaySegment> segments, Replication.RecoveryTarget target)
    {
        // A time past the newest commit cuts nothing, so replay "to the end" needs no case of its
        // own, and --exclusive at the newest commit's very second still leaves that commit out.
        var all = segments.SelectMany(s => s.After).ToList();
        int count;
        if (target.Time is { } moment)
        {
            count = all.TakeWhile(t => target.Inclusive ? t.At <= moment : t.At < moment).Count();
        }
        else
        {
            var index = all.FindIndex(t => t.Gtid.ToString() == target.Value);
            if (index < 0)
            {
                throw new BackupRefusedException(
                    $"transaction {target.Value} is not among the {all.Count} transactions the archive holds after the backup" +
                    (all.Count > 0 ? $" ({all[0].Gtid} to {all[^1].Gtid})" : "") + "; nothing was restored. Give a GTID from that range, or a time");
            }

            count = target.Inclusive ? index + 1 : index;
        }

        return (count > 0 ? all[count - 1] : null, count < all.Count ? all[count] : null);
    }

    /// <summary>Proves each log whole against the checksum recorded when it was archived.</summary>
    public static Task VerifyAsync(IReadOnlyList<string> logs, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(logs, BackupFiles.OnAllCores(cancellationToken), async (log, token) => await CheckSumAsync(log, token));

    /// <summary>
    /// The logs no replay from any of <paramref name="keptPositions"/> (the kept backups' GTID
    /// positions) reads: those whose next log in their generation starts at or before every kept
    /// position, so all they record precedes each backup. A generation's last log always stays. Pure.
    /// </summary>
    public static IReadOnlyList<string> Prunable(IReadOnlyList<IReadOnlyList<ArchivedLog>> generations, IReadOnlyList<string> keptPositions) =>
        generations.SelectMany(logs => logs.Take(logs.Count - 1).Where((log, i) =>
                logs[i + 1].Number == log.Number + 1 && keptPositions.All(position => GtidPosition.Covers(position, logs[i + 1].StateBefore))))
            .Select(log => log.Path)
            .ToList();

    /// <summary>The GTID state after applying <paramref name="transactions"/> to <paramref name="state"/>. Pure.</summary>
    public static string Advance(string state, IEnumerable<BinlogTransaction> transactions)
    {
        var positions = GtidPosition.Parse(state);
        var servers = GtidPosition.Entries(state).ToDictionary(g => g.Domain, g => g.Server);
        foreach (var transaction in transactions)
        {
            positions[transaction.Gtid.Domain] = Math.Max(positions.GetValueOrDefault(transaction.Gtid.Domain), transaction.Gtid.Sequence);
            if (positions[transaction.Gtid.Domain] == transaction.Gtid.Sequence)
            {
                servers[transaction.Gtid.Domain] = transaction.Gtid.Server;
            }
        }

        return string.Join(',', positions.OrderBy(p => p.Key).Select(p => $"{p.Key}-{servers.GetValueOrDefault(p.Key)}-{p.Value}"));
    }

    private static async Task CheckSumAsync(string log, CancellationToken cancellationToken)
    {
        var name = System.IO.Path.GetFileName(log);
        var actual = await BackupFiles.Sha256Async(log, cancellationToken);
        if (!string.Equals(actual, (await File.ReadAllTextAsync(log + ".sha256", cancellationToken)).Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupInvalidException($"archived binary log {log} is damaged: its SHA-256 differs from the one recorded when it was archived ({name}.sha256); nothing was restored");
        }
    }

    private static string Moment(BinlogTransaction? transaction) =>
        transaction is null ? "(no transaction in the neighbouring file)" : $"{transaction.Gtid} ({transaction.At:yyyy-MM-dd HH:mm:ss} UTC)";
}
