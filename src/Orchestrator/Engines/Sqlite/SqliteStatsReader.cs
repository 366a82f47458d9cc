using Orchestrator.Data;
using Orchestrator.Monitoring;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// A SQLite file's tables and indexes with their sizes from the dbstat table (where the library
/// has it) and, with --exact, their row counts. SQLite keeps no scan counters, transactions
/// of other connections or replication state.
/// </summary>
internal sealed class SqliteStatsReader : IStatsReader
{
    public async Task<NodeStats> ReadAsync(string node, IDbSession session, StatsRequest request, CancellationToken cancellationToken)
    {
        var objects = await session.QueryAsync("SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'", cancellationToken: cancellationToken);
        Dictionary<string, long> sizes;
        try
        {
            sizes = (await session.QueryAsync("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name", cancellationToken: cancellationToken))
                .ToDictionary(r => r.GetString("name")!, r => r.GetInt64("bytes") ?? 0);
        }
        catch (DatabaseException)
        {
            sizes = [];
        }

        var tables = new List<TableStats>();
        foreach (var table in objects.Where(o => o.GetString("type") == "table").Select(o => o.GetString("name")!).Where(request.Includes))
        {
            var own = sizes.GetValueOrDefault(table);
            var indexBytes = objects.Where(o => o.GetString("type") == "index" && o.GetString("tbl_name") == table).Sum(o => sizes.GetValueOrDefault(o.GetString("name")!));
            tables.Add(new TableStats(table, own + indexBytes, own, indexBytes, null)
            {
                RowsExact = request.Exact ? (await session.QueryAsync($"SELECT COUNT(*) AS n FROM {SqliteSql.Identifier(table)}", cancellationToken: cancellationToken)).Single().GetInt64("n") : null,
            });
        }

        var indexes = objects
            .Where(o => o.GetString("type") == "index" && request.Includes(o.GetString("tbl_name")!))
            .Select(o => new IndexStats(o.GetString("tbl_name")!, o.GetString("name")!, sizes.TryGetValue(o.GetString("name")!, out var bytes) ? bytes : null, null, false))
            .ToList();
        return new NodeStats(node, null)
        {
            Tables = tables.OrderByDescending(t => t.TotalBytes).ThenBy(t => t.Table, StringComparer.Ordinal).ToList(),
            Indexes = indexes.OrderByDescending(i => i.Bytes).ThenBy(i => i.Index, StringComparer.Ordinal).ToList(),
        };
    }
}
