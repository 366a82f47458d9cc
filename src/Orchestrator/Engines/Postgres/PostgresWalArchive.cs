using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Backups;
using Orchestrator.Processes;

namespace Orchestrator.Engines.Postgres;

/// <summary>One timeline on the way from a backup to the archive's newest WAL: its id and the positions it runs between (End null for the newest).</summary>
internal sealed record TimelineSpan(uint Timeline, ulong Begin, ulong? End);

/// <summary>A commit the write-ahead log records: its transaction id, commit time and position.</summary>
internal sealed record WalCommit(string TransactionId, DateTimeOffset CommittedAt, string Position);

/// <summary>
/// The WAL archive's folder as the servers' archive command fills it (<c>ARCHIVE/wal</c>: segments,
/// timeline history files, and a <c>.sha256</c> beside each): which timelines lead to its newest
/// WAL, whether every segment a restore needs is there and whole, and the commits a stretch of it
/// records (read with pg_waldump).
/// </summary>
internal static partial class PostgresWalArchive
{
    [GeneratedRegex("^(?<tli>[0-9A-F]{8})(?<hi>[0-9A-F]{8})(?<lo>[0-9A-F]{8})$")]
    private static partial Regex SegmentFile();

    [GeneratedRegex("^(?<tli>[0-9A-F]{8})\\.history$")]
    private static partial Regex HistoryFile();

    [GeneratedRegex(@"tx:\s+(?<xid>\d+), lsn: (?<lsn>[0-9A-F]+/[0-9A-F]+),.*desc: COMMIT (?<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?) UTC")]
    private static partial Regex CommitRecord();

    public static ulong ParseLsn(string lsn)
    {
        var parts = lsn.Split('/');
        return (ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32) | ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    public static string FormatLsn(ulong lsn) => string.Create(CultureInfo.InvariantCulture, $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}");

    /// <summary>A segment's file name: timeline, then the segment number split at 4 GiB of log.</summary>
    public static string SegmentName(uint timeline, ulong segment, long segmentSize)
    {
        var perId = 0x1_0000_0000UL / (ulong)segmentSize;
        return string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{segment / perId:X8}{segment % perId:X8}");
    }

    /// <summary>
    /// The timelines from <paramref name="startTimeline"/> to the newest one the archive holds,
    /// read from the newest timeline's history file (which lists every switch before it).
    /// </summary>
    public static IReadOnlyList<TimelineSpan> TimelinesFrom(string walDirectory, uint startTimeline)
    {
        var names = Directory.Exists(walDirectory) ? Directory.EnumerateFiles(walDirectory).Select(Path.GetFileName).OfType<string>().ToList() : [];
        var newest = names.Select(n => SegmentFile().Match(n) is { Success: true } s ? s.Groups["tli"].Value : HistoryFile().Match(n) is { Success: true } h ? h.Groups["tli"].Value : null)
            .OfType<string>()
            .Select(t => uint.Parse(t, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(startTimeline)
            .Max();
        var spans = new List<TimelineSpan>();
        ulong begin = 0;
        var history = Path.Combine(walDirectory, $"{newest:X8}.history");
        if (newest > 1 && File.Exists(history))
        {
            foreach (var line in File.ReadLines(history).Where(l => l.Length > 0 && char.IsAsciiDigit(l[0])))
            {
                var fields = line.Split('\t', ' ').Where(f => f.Length > 0).ToArray();
                var end = ParseLsn(fields[1]);
                spans.Add(new TimelineSpan(uint.Parse(fields[0], CultureInfo.InvariantCulture), begin, end));
                begin = end;
            }
        }

        spans.Add(new TimelineSpan(newest, begin, null));

        // A restore starts on the backup's timeline; the ones before it do not matter.
        var from = spans.FindIndex(s => s.Timeline == startTimeline);
        return from < 0 ? [new TimelineSpan(startTimeline, 0, null)] : spans.Skip(from).ToList();
    }

    /// <summary>
    /// Proves that replay can run from a backup's start to the archive's newest WAL: every segment
    /// on the way is in the archive (or the backup's own pg_wal) and matches its recorded checksum.
    /// A gap or a damaged file is refused, naming the file and the time it covers, before anything
    /// is restored. Returns the archived segments on the way, in the order replay reads them.
    /// Without <paramref name="verifyContents"/> only their presence is checked (a listing's quick look).
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(
        PostgresBinaries binaries, string walDirectory, string backupWalDirectory, uint startTimeline, ulong startPosition, long segmentSize, bool verifyContents, CancellationToken cancellationToken)
    {
        var timelines = TimelinesFrom(walDirectory, startTimeline);
        var archived = Directory.Exists(walDirectory)
            ? Directory.EnumerateFiles(walDirectory).Select(Path.GetFileName).OfType<string>().Where(n => SegmentFile().IsMatch(n)).ToHashSet(StringComparer.Ordinal)
            : [];
        var newestTimeline = timelines[^1].Timeline;
        var newestSegment = archived.Where(n => n.StartsWith($"{newestTimeline:X8}", StringComparison.Ordinal)).Order(StringComparer.Ordinal).LastOrDefault()
            ?? throw new BackupInvalidException(
                $"the archive in {walDirectory} holds no WAL of timeline {newestTimeline}: is backup.archive the folder the servers archive into, and did 'up' (a restart) turn archiving on? Nothing was restored.");
        var lastSegment = SegmentNumber(newestSegment, segmentSize);

        string? previous = null;
        var onTheWay = new List<string>();
        foreach (var (span, index) in timelines.Select((s, i) => (s, i)))
        {
            var first = Math.Max(startPosition, span.Begin) / (ulong)segmentSize;
            // The segment a switch happened in is read from the new timeline, which copied its start.
            var last = span.End is { } end ? (end / (ulong)segmentSize) - (index < timelines.Count - 1 ? 1UL : 0UL) : lastSegment;
            for (var segment = first; segment <= last && (span.End is null || segment * (ulong)segmentSize < span.End); segment++)
            {
                var name = SegmentName(span.Timeline, segment, segmentSize);
                if (archived.Contains(name))
                {
                    onTheWay.Add(name);
                    previous = name;
                    continue;
                }

                if (File.Exists(Path.Combine(backupWalDirectory, name)))
                {
                    previous = name;
                    continue;
                }

                var next = archived.Where(n => string.CompareOrdinal(n, name) > 0).Order(StringComparer.Ordinal).FirstOrDefault();
                var from = previous is null ? null : (await CommitsAsync(binaries, walDirectory, previous, cancellationToken)).LastOrDefault()?.CommittedAt;
                var to = next is null ? null : (await CommitsAsync(binaries, walDirectory, next, cancellationToken)).FirstOrDefault()?.CommittedAt;
                throw new BackupInvalidException(
                    $"the archive lacks WAL segment {name} (timeline {span.Timeline}), which replay from the backup to the archive's end needs; " +
                    $"it covers the commits between {Moment(from, "the previous file's")} and {Moment(to, "the next file's")}. Nothing was restored. " +
                    "Restore it into the archive from wherever it was copied, or restore a base backup taken after it with a target after it.");
            }
        }

        if (verifyContents)
        {
            await CheckSumsAsync(walDirectory, onTheWay, cancellationToken);
        }

        return onTheWay;
    }

    /// <summary>The newest commit among archived segments in replay order: the last one of the last segment that has any (null: none).</summary>
    public static async Task<WalCommit?> NewestCommitAsync(PostgresBinaries binaries, string walDirectory, IReadOnlyList<string> segmentsInReplayOrder, CancellationToken cancellationToken)
    {
        foreach (var segment in segmentsInReplayOrder.Reverse())
        {
            if ((await CommitsAsync(binaries, walDirectory, segment, cancellationToken)).LastOrDefault() is { } newest)
            {
                return newest;
            }
        }

        return null;
    }

    /// <summary>The commits a segment of the archive records, in order (none when pg_waldump cannot read it).</summary>
    public static async Task<IReadOnlyList<WalCommit>> CommitsAsync(PostgresBinaries binaries, string walDirectory, string segment, CancellationToken cancellationToken)
    {
        // The segment as its own end: pg_waldump otherwise reads on, and waits seconds for a next file that is not there.
        var file = Path.Combine(walDirectory, segment);
        var dump = await ProcessRunner.RunAsync(new ProcessSpec(binaries.Path("pg_waldump"), ["--rmgr=Transaction", file, file]), cancellationToken);
        return ParseCommits(dump.StandardOutput);
    }

    /// <summary>
    /// The first commit at or after <paramref name="position"/>, the end of the last record replay
    /// applied, on the way the timelines lead (the transaction a restore that stopped there left
    /// out); null when the archive holds none.
    /// </summary>
    public static async Task<WalCommit?> FirstCommitAfterAsync(PostgresBinaries binaries, string walDirectory, IReadOnlyList<TimelineSpan> timelines, ulong position, long segmentSize, CancellationToken cancellationToken)
    {
        foreach (var span in timelines.Where(s => s.End is null || s.End > position))
        {
            // A segment at a time, each with its end given: the first commit is usually near, and
            // pg_waldump waits seconds at the end of what it is given without one.
            for (var start = Math.Max(position, span.Begin); span.End is null || start < span.End; start = ((start / (ulong)segmentSize) + 1) * (ulong)segmentSize)
            {
                var segment = start / (ulong)segmentSize;
                if (!File.Exists(Path.Combine(walDirectory, SegmentName(span.Timeline, segment, segmentSize))))
                {
                    break;
                }

                var end = Math.Min((segment + 1) * (ulong)segmentSize, span.End ?? ulong.MaxValue);
                var dump = await ProcessRunner.RunAsync(new ProcessSpec(binaries.Path("pg_waldump"), [
                    "--rmgr=Transaction", "--path", walDirectory, "--timeline", span.Timeline.ToString(CultureInfo.InvariantCulture),
                    "--start", FormatLsn(start), "--end", FormatLsn(end),
                ]), cancellationToken);
                if (ParseCommits(dump.StandardOutput).FirstOrDefault(c => ParseLsn(c.Position) >= position) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The archive's files that no replay starting at <paramref name="oldestNeededSegment"/> (the
    /// start segment of the oldest backup kept) reads, with their checksums: segments, partial
    /// segments and backup history files of an older segment, on any timeline, since replay only
    /// moves forward from a backup's start. Timeline history files always stay (replay reads every
    /// one to find its way, and they are tiny). Pure.
    /// </summary>
    public static IReadOnlyList<string> PrunableFiles(IEnumerable<string> archiveFileNames, string oldestNeededSegment)
    {
        var cutoff = SegmentFile().Match(oldestNeededSegment) is { Success: true } ? oldestNeededSegment[8..] : throw new ArgumentException($"{oldestNeededSegment} is not a WAL segment name", nameof(oldestNeededSegment));
        return archiveFileNames
            .Where(name =>
            {
                var file = name.EndsWith(".sha256", StringComparison.Ordinal) ? name[..^".sha256".Length] : name;
                return file.Length >= 24 && SegmentFile().IsMatch(file[..24]) && (file.Length == 24 || file[24] == '.')
                    && !HistoryFile().IsMatch(file) && string.CompareOrdinal(file[8..24], cutoff) < 0;
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The commit records in pg_waldump's output (pure).</summary>
    public static IReadOnlyList<WalCommit> ParseCommits(string waldumpOutput) =>
        waldumpOutput.Split('\n')
            .Select(line => CommitRecord().Match(line))
            .Where(m => m.Success)
            .Select(m => new WalCommit(
                m.Groups["xid"].Value,
                DateTimeOffset.ParseExact(m.Groups["time"].Value, ["yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                m.Groups["lsn"].Value))
            .ToList();

    private static ulong SegmentNumber(string name, long segmentSize)
    {
        var match = SegmentFile().Match(name);
        var perId = 0x1_0000_0000UL / (ulong)segmentSize;
        return (ulong.Parse(match.Groups["hi"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) * perId)
            + ulong.Parse(match.Groups["lo"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every segment's checksum, on all cores (hashing, not reading, is what takes the time, and
    /// the gaps were found before any was read); the first damaged one in replay order is named.
    /// </summary>
    private static async Task CheckSumsAsync(string walDirectory, IReadOnlyList<string> segments, CancellationToken cancellationToken)
    {
        var problems = new string?[segments.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, segments.Count),
            BackupFiles.OnAllCores(cancellationToken),
            async (i, token) =>
            {
                try
                {
                    await CheckSumAsync(walDirectory, segments[i], token);
                }
                catch (BackupInvalidException e)
                {
                    problems[i] = e.Message;
                }
            });
        if (problems.FirstOrDefault(p => p is not null) is { } first)
        {
            throw new BackupInvalidException(first);
        }
    }

    private static async Task CheckSumAsync(string walDirectory, string name, CancellationToken cancellationToken)
    {
        var recorded = Path.Combine(walDirectory, name + ".sha256");
        if (!File.Exists(recorded))
        {
            throw new BackupInvalidException($"archived WAL segment {name} has no checksum ({name}.sha256), so it cannot be proven whole; nothing was restored");
        }

        var actual = await BackupFiles.Sha256Async(Path.Combine(walDirectory, name), cancellationToken);
        if (!string.Equals(actual, (await File.ReadAllTextAsync(recorded, cancellationToken)).Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupInvalidException($"archived WAL segment {name} is damaged: its SHA-256 differs from the one recorded when it was archived ({name}.sha256); nothing was restored");
        }
    }

    private static string Moment(DateTimeOffset? moment, string fallback) =>
        moment is { } m ? m.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) : $"{fallback} (no commit found in it)";
}
