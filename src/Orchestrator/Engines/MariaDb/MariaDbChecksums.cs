using System.Globalization;
using System.Numerics;
using Orchestrator.Backups;
using Orchestrator.Data;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// Per-table row counts and content checksums in one consistent snapshot. A row's checksum
/// input is its columns, each QUOTE()d (so NULL and 'NULL' differ), in column-name order.
/// Column names come from the rows themselves rather than information_schema, which a replica
/// applying DDL has been seen to crash on.
/// </summary>
internal static class MariaDbChecksums
{
    public static async Task BeginSnapshotAsync(IDbSession session, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("SET SESSION time_zone = '+00:00'", cancellationToken: cancellationToken);
        await session.ExecuteAsync("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", cancellationToken: cancellationToken);
        await session.ExecuteAsync("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", cancellationToken: cancellationToken);
    }

    /// <summary>The database's base tables; list them while no DDL can run (under the backup's lock).</summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(IDbSession session, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'", cancellationToken: cancellationToken))
            .Select(r => r.Values.Values.First() as string ?? "")
            .Order(StringComparer.Ordinal)
            .ToList();

    public static async Task<IReadOnlyList<TableChecksum>> ComputeAsync(IDbSession session, IReadOnlyList<string> tables, CancellationToken cancellationToken) =>
        await ComputeAsync([session], tables, cancellationToken);

    /// <summary>
    /// The same checksums with the work of each table whose primary key is one integer column
    /// spread over <paramref name="sessions"/> (which must share one snapshot): each sums its own
    /// range of keys, and the sums add up to the whole table's.
    /// </summary>
    public static async Task<IReadOnlyList<TableChecksum>> ComputeAsync(IReadOnlyList<IDbSession> sessions, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var session = sessions[0];
        var results = new List<TableChecksum>();
        foreach (var table in tables)
        {
            var name = MariaDbSql.Identifier(table);
            var sample = await session.QueryAsync($"SELECT * FROM {name} LIMIT 1", cancellationToken: cancellationToken);
            if (sample.Count == 0)
            {
                results.Add(new TableChecksum(table, 0, "0"));
                continue;
            }

            var text = $"CONCAT_WS(',', {string.Join(", ", sample[0].Values.Keys.Order(StringComparer.Ordinal).Select(c => $"QUOTE({MariaDbSql.Identifier(c)})"))})";

            // Two different CRCs of the row make a 64-bit hash at half the cost of MD5.
            var sum = $"SELECT COUNT(*) AS row_count, COALESCE(SUM((CRC32({text}) << 32) | CRC32C({text})), 0) AS checksum FROM {name}";
            var ranges = sessions.Count > 1 ? await KeyRangesAsync(session, name, sessions.Count, cancellationToken) : null;
            IReadOnlyList<DbRow> parts = ranges is null
                ? [(await session.QueryAsync(sum, cancellationToken: cancellationToken)).Single()]
                : await Task.WhenAll(ranges.Value.Ranges.Select(async (range, i) =>
                    (await sessions[i].QueryAsync($"{sum} WHERE {ranges.Value.Key} BETWEEN ? AND ?", [range.From, range.To], cancellationToken)).Single()));
            results.Add(new TableChecksum(
                table,
                parts.Sum(p => p.GetInt64("row_count")!.Value),
                parts.Aggregate(BigInteger.Zero, (total, p) => total + BigInteger.Parse(p.GetString("checksum")!, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture)));
        }

        return results;
    }

    /// <summary>The table's one-column integer primary key (quoted) and its keys cut into <paramref name="count"/> ranges; null for any other key.</summary>
    private static async Task<(string Key, IReadOnlyList<(decimal From, decimal To)> Ranges)?> KeyRangesAsync(IDbSession session, string table, int count, CancellationToken cancellationToken)
    {
        var key = await session.QueryAsync($"SHOW KEYS FROM {table} WHERE Key_name = 'PRIMARY'", cancellationToken: cancellationToken);
        if (key.Count != 1)
        {
            return null;
        }

        var column = MariaDbSql.Identifier(key[0].GetString("Column_name")!);
        var bounds = (await session.QueryAsync($"SELECT MIN({column}) AS low, MAX({column}) AS high FROM {table}", cancellationToken: cancellationToken)).Single();
        if (Integer(bounds["low"]) is not { } low || Integer(bounds["high"]) is not { } high)
        {
            return null;
        }

        return (column, KeyRanges.Split(low, high, count).Select(r => ((decimal)r.From, (decimal)r.To)).ToList());
    }

    private static Int128? Integer(object? value) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong unsigned => unsigned,
        _ => null,
    };
}

/// <summary>Integer keys cut into ranges.</summary>
internal static class KeyRanges
{
    /// <summary>
    /// <paramref name="low"/> to <paramref name="high"/> (inclusive) in at most
    /// <paramref name="count"/> contiguous inclusive ranges of near-equal width, in order. Pure.
    /// </summary>
    public static IReadOnlyList<(Int128 From, Int128 To)> Split(Int128 low, Int128 high, int count)
    {
        var width = high - low + 1;
        var parts = (int)Int128.Min(count, width);
        return Enumerable.Range(0, parts)
            .Select(i => (low + (width * i / parts), low + (width * (i + 1) / parts) - 1))
            .ToList();
    }
}
