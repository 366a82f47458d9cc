using System.Buffers.Binary;
using System.Globalization;
using Orchestrator.Backups;

namespace Orchestrator.Engines.MariaDb;

/// <summary>The transactions of one archived log that replay applies: <see cref="Count"/> of them, in its bytes from <see cref="From"/> up to <see cref="To"/>.</summary>
internal sealed record RelayPiece(string Log, long From, long To, int Count);

/// <summary>
/// Archived binary logs made into relay logs, for the restored server's own replication applier:
/// it applies row events as they are, several times faster than mariadb-binlog's text of them
/// piped through a client. Each piece a replay needs goes behind its log's format description
/// event, and the last piece ends with the target's transaction, so the applier cannot go past it.
/// </summary>
internal static class MariaDbRelayLogs
{
    private const int MagicLength = 4;

    private const int HeaderLength = 19;

    private const byte FormatDescriptionEvent = 15;

    /// <summary>
    /// The pieces of <paramref name="segments"/>' logs that hold the transactions after each
    /// segment's start state, up to and including <paramref name="last"/>, in replay order. Pure.
    /// </summary>
    public static IReadOnlyList<RelayPiece> Pieces(IReadOnlyList<ReplaySegment> segments, BinlogTransaction last)
    {
        var pieces = new List<RelayPiece>();
        foreach (var segment in segments)
        {
            foreach (var log in segment.Logs)
            {
                var applied = log.Transactions.Where(t => !GtidPosition.Covers(segment.StartState, t.Gtid)).ToList();
                var stop = applied.IndexOf(last);
                var through = stop >= 0 ? applied[..(stop + 1)] : applied;
                if (through.Count > 0)
                {
                    pieces.Add(new RelayPiece(log.Path, through[0].Offset, through[^1].End, through.Count));
                }

                if (stop >= 0)
                {
                    return pieces;
                }
            }
        }

        throw new InvalidOperationException($"transaction {last.Gtid} is not among the transactions the replay's segments hold");
    }

    /// <summary>
    /// The server id the applier runs under: the node's own, unless transactions of that id are to
    /// be applied (an applier skips its own server's events), then the least id none of them has. Pure.
    /// </summary>
    public static long ApplierServerId(long own, IReadOnlySet<long> origins)
    {
        var id = own;
        for (long candidate = 1; origins.Contains(id); candidate++)
        {
            id = candidate;
        }

        return id;
    }

    /// <summary>The name of the <paramref name="index"/>th relay log (from 0) in the data directory.</summary>
    public static string FileName(int index) => string.Create(CultureInfo.InvariantCulture, $"{MariaDbConfigFiles.RelayLogName}.{index + 1:D6}");

    /// <summary>The relay log index (relay-bin.index) that lists <paramref name="count"/> relay logs, as the server writes it.</summary>
    public static string Index(int count) => string.Concat(Enumerable.Range(0, count).Select(i => $"./{FileName(i)}\n"));

    /// <summary>Writes each piece as a relay log named by <see cref="FileName"/> into <paramref name="directory"/>.</summary>
    /// <exception cref="BackupInvalidException">A log does not begin with a format description event.</exception>
    public static Task WriteAsync(IReadOnlyList<RelayPiece> pieces, string directory, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, pieces.Count), BackupFiles.OnAllCores(cancellationToken), async (i, token) =>
        {
            var piece = pieces[i];
            await using var source = new FileStream(piece.Log, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, useAsync: true);
            await using var target = new FileStream(Path.Combine(directory, FileName(i)), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20, useAsync: true);
            var head = new byte[MagicLength + HeaderLength];
            await source.ReadExactlyAsync(head, token);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(MagicLength + 9));
            if (head[MagicLength + 4] != FormatDescriptionEvent || length < HeaderLength || MagicLength + length > piece.From)
            {
                throw new BackupInvalidException($"archived binary log {piece.Log} does not begin with a format description event; nothing was restored");
            }

            var description = new byte[MagicLength + length];
            source.Position = 0;
            await source.ReadExactlyAsync(description, token);
            await target.WriteAsync(description, token);

            source.Position = piece.From;
            var buffer = new byte[1 << 20];
            for (var left = piece.To - piece.From; left > 0;)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), token);
                if (read == 0)
                {
                    throw new BackupInvalidException($"archived binary log {piece.Log} ended before byte {piece.To}, where transaction data should be; nothing was restored");
                }

                await target.WriteAsync(buffer.AsMemory(0, read), token);
                left -= read;
            }
        });
}
