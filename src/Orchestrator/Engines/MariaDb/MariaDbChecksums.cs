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

    public static async Task<IReadOnlyList<TableChecksum>> ComputeAsync(IDbSession session, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
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
            var row = (await session.QueryAsync(
                $"SELECT COUNT(*) AS row_count, COALESCE(SUM((CRC32({text}) << 32) | CRC32C({text})), 0) AS checksum FROM {name}",
                cancellationToken: cancellationToken)).Single();
            results.Add(new TableChecksum(table, row.GetInt64("row_count")!.Value, row.GetString("checksum")!));
        }

        return results;
    }
}
