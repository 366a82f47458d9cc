using Orchestrator.Data;
using Orchestrator.Monitoring;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// pg_stat_user_tables and pg_stat_user_indexes (counted on each node: a replica counts the
/// scans it serves), sizes from the relations, pg_stat_activity and pg_replication_slots.
/// Tables of schema public go by their own names, others qualified.
/// </summary>
internal sealed class PostgresStatsReader : IStatsReader
{
    private const string Name = "CASE WHEN s.schemaname = 'public' THEN s.relname ELSE s.schemaname || '.' || s.relname END";

    public async Task<NodeStats> ReadAsync(string node, IDbSession session, StatsRequest request, CancellationToken cancellationToken)
    {
        var tables = (await session.QueryAsync(
                $"""
                SELECT {Name} AS tbl, quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS quoted, pg_table_size(s.relid) AS table_bytes,
                       CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS rows_estimate,
                       s.n_dead_tup AS dead, s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
                       s.seq_scan, s.idx_scan, s.n_tup_hot_upd AS hot, s.n_tup_upd AS updates
                FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                """,
                cancellationToken: cancellationToken))
            .Where(r => request.Includes(r.GetString("tbl")!))
            .ToList();
        // Each relation's files are measured once (measuring is most of a scrape's cost): a table's
        // index bytes are its indexes' (main fork) sizes, its total the table's (TOAST included) and theirs.
        var indexes = (await session.QueryAsync(
                $"""
                SELECT {Name} AS tbl, s.indexrelname AS idx, pg_relation_size(s.indexrelid) AS bytes, s.idx_scan AS scans, (i.indisunique OR i.indisprimary OR i.indisexclusion) AS enforces
                FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
                """,
                cancellationToken: cancellationToken))
            .Where(r => request.Includes(r.GetString("tbl")!))
            .Select(r => new IndexStats(r.GetString("tbl")!, r.GetString("idx")!, r.GetInt64("bytes"), r.GetInt64("scans"), r.GetBoolean("enforces") == true))
            .ToList();
        var indexBytes = indexes.GroupBy(i => i.Table).ToDictionary(g => g.Key, g => g.Sum(i => i.Bytes ?? 0));
        var stats = new List<TableStats>();
        foreach (var row in tables)
        {
            var table = row.GetString("tbl")!;
            var own = row.GetInt64("table_bytes") ?? 0;
            var ofIndexes = indexBytes.GetValueOrDefault(table);
            stats.Add(new TableStats(table, own + ofIndexes, own, ofIndexes, row.GetInt64("rows_estimate"))
            {
                DeadTuples = row.GetInt64("dead"),
                LastVacuum = row.GetDateTime("last_vacuum"),
                LastAutovacuum = row.GetDateTime("last_autovacuum"),
                LastAnalyze = row.GetDateTime("last_analyze"),
                LastAutoanalyze = row.GetDateTime("last_autoanalyze"),
                SequentialScans = row.GetInt64("seq_scan"),
                IndexScans = row.GetInt64("idx_scan") ?? 0,
                HotUpdates = row.GetInt64("hot"),
                Updates = row.GetInt64("updates"),
            });
        }

        if (request.Exact)
        {
            // Counting by sequential scan: an index scanned only to count rows would no longer look unused.
            await session.ExecuteAsync("SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off", cancellationToken: cancellationToken);
            for (var i = 0; i < stats.Count; i++)
            {
                var quoted = tables[i].GetString("quoted");
                stats[i] = stats[i] with { RowsExact = (await session.QueryAsync($"SELECT count(*) AS n FROM {quoted}", cancellationToken: cancellationToken)).Single().GetInt64("n") };
            }

            await session.ExecuteAsync("RESET enable_indexscan; RESET enable_indexonlyscan; RESET enable_bitmapscan", cancellationToken: cancellationToken);
        }

        var transactions = (await session.QueryAsync(
                """
                SELECT pid::text AS id, usename AS usr, EXTRACT(EPOCH FROM now() - xact_start)::float8 AS seconds, state, left(query, 200) AS query
                FROM pg_stat_activity
                WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND now() - xact_start > make_interval(secs => $1)
                ORDER BY xact_start
                """,
                [request.LongTransaction.TotalSeconds],
                cancellationToken))
            .Select(r => new LongTransaction(r.GetString("id")!, r.GetString("usr"), r.GetDouble("seconds") ?? 0, r.GetString("state"), r.GetString("query")))
            .ToList();
        var slots = (await session.QueryAsync(
                """
                SELECT slot_name, active,
                       pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, restart_lsn)::bigint AS retained
                FROM pg_replication_slots ORDER BY slot_name
                """,
                cancellationToken: cancellationToken))
            .Select(r => new SlotStats(r.GetString("slot_name")!, r.GetBoolean("active") == true, r.GetInt64("retained")))
            .ToList();
        var connections = (await session.QueryAsync("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend'", cancellationToken: cancellationToken)).Single().GetInt64("n");
        return new NodeStats(node, null)
        {
            Tables = stats.OrderByDescending(t => t.TotalBytes).ThenBy(t => t.Table, StringComparer.Ordinal).ToList(),
            Indexes = indexes.OrderByDescending(i => i.Bytes).ThenBy(i => i.Index, StringComparer.Ordinal).ToList(),
            LongTransactions = transactions,
            ReplicationSlots = slots,
            Connections = connections,
        };
    }
}
