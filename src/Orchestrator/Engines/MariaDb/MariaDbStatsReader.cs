using Orchestrator.Data;
using Orchestrator.Monitoring;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// information_schema.TABLES for sizes and estimated rows, InnoDB's persistent statistics for
/// index sizes, information_schema.INDEX_STATISTICS for index use (counted only with userstat,
/// which the local provider turns on), INNODB_TRX and the binary logs.
/// </summary>
internal sealed class MariaDbStatsReader : IStatsReader
{
    public async Task<NodeStats> ReadAsync(string node, IDbSession session, StatsRequest request, CancellationToken cancellationToken)
    {
        // Index use first: counting rows (--exact) reads an index too.
        var counting = (await session.QueryAsync("SELECT @@userstat AS on_", cancellationToken: cancellationToken)).Single().GetInt64("on_") == 1;
        var used = counting
            ? (await session.QueryAsync("SELECT TABLE_NAME AS tbl, INDEX_NAME AS idx, ROWS_READ AS rows_read FROM information_schema.INDEX_STATISTICS WHERE TABLE_SCHEMA = DATABASE()", cancellationToken: cancellationToken))
                .ToDictionary(r => (r.GetString("tbl")!, r.GetString("idx")!), r => r.GetInt64("rows_read") ?? 0)
            : [];
        var tables = (await session.QueryAsync(
                """
                SELECT TABLE_NAME AS tbl, TABLE_ROWS AS rows_estimate, DATA_LENGTH AS data_bytes, INDEX_LENGTH AS index_bytes, DATA_FREE AS data_free
                FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
                """,
                cancellationToken: cancellationToken))
            .Where(r => request.Includes(r.GetString("tbl")!))
            .ToList();
        var stats = new List<TableStats>();
        foreach (var row in tables)
        {
            var data = row.GetInt64("data_bytes") ?? 0;
            var index = row.GetInt64("index_bytes") ?? 0;
            stats.Add(new TableStats(row.GetString("tbl")!, data + index, data, index, row.GetInt64("rows_estimate")) { DataFree = row.GetInt64("data_free") });
        }

        var indexes = (await session.QueryAsync(
                """
                SELECT s.TABLE_NAME AS tbl, s.INDEX_NAME AS idx, MAX(s.NON_UNIQUE) AS non_unique, MAX(st.stat_value) * @@innodb_page_size AS bytes
                FROM information_schema.STATISTICS s
                LEFT JOIN mysql.innodb_index_stats st ON st.database_name = s.TABLE_SCHEMA AND st.table_name = s.TABLE_NAME AND st.index_name = s.INDEX_NAME AND st.stat_name = 'size'
                WHERE s.TABLE_SCHEMA = DATABASE()
                GROUP BY s.TABLE_NAME, s.INDEX_NAME
                """,
                cancellationToken: cancellationToken))
            .Where(r => request.Includes(r.GetString("tbl")!))
            .Select(r =>
            {
                var key = (r.GetString("tbl")!, r.GetString("idx")!);
                return new IndexStats(key.Item1, key.Item2, r.GetInt64("bytes"), counting ? used.GetValueOrDefault(key) : null, r.GetInt64("non_unique") == 0);
            })
            .ToList();
        if (request.Exact)
        {
            // Through the primary key where there is one: InnoDB counts through the smallest index,
            // and a secondary index read only to count rows would no longer look unused.
            for (var i = 0; i < stats.Count; i++)
            {
                var keyed = indexes.Any(x => x.Table == stats[i].Table && x.Index == "PRIMARY");
                var sql = $"SELECT COUNT(*) AS n FROM {MariaDbSql.Identifier(stats[i].Table)}{(keyed ? " FORCE INDEX (PRIMARY)" : "")}";
                stats[i] = stats[i] with { RowsExact = (await session.QueryAsync(sql, cancellationToken: cancellationToken)).Single().GetInt64("n") };
            }
        }

        var transactions = (await session.QueryAsync(
                """
                SELECT t.trx_mysql_thread_id AS id, p.USER AS usr, TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) / 1e6 AS seconds, t.trx_state AS state, LEFT(t.trx_query, 200) AS query
                FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
                WHERE t.trx_started < NOW() - INTERVAL ? SECOND AND t.trx_mysql_thread_id <> CONNECTION_ID()
                ORDER BY t.trx_started
                """,
                [request.LongTransaction.TotalSeconds],
                cancellationToken))
            .Select(r => new LongTransaction(r.GetString("id")!, r.GetString("usr"), r.GetDouble("seconds") ?? 0, r.GetString("state"), r.GetString("query")))
            .ToList();
        // SHOW BINARY LOGS waits for the binary log's lock, which a commit waiting for a
        // semi-synchronous acknowledgement can hold up for good (a missed acknowledgement, see
        // MariaDbMissedAcknowledgement): the size is left unknown then rather than the read hanging.
        long? binlog = null;
        var log = (await session.QueryAsync(
            "SELECT @@log_bin AS on_, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_WAIT_SESSIONS') AS waiting",
            cancellationToken: cancellationToken)).Single();
        if (log.GetInt64("on_") == 1 && (log.GetInt64("waiting") ?? 0) == 0)
        {
            binlog = (await session.QueryAsync("SHOW BINARY LOGS", cancellationToken: cancellationToken)).Sum(r => r.GetInt64("File_size") ?? 0);
        }

        var connections = (await session.QueryAsync("SHOW GLOBAL STATUS LIKE 'Threads_connected'", cancellationToken: cancellationToken)).Single().GetInt64("Value");
        return new NodeStats(node, null)
        {
            Tables = stats.OrderByDescending(t => t.TotalBytes).ThenBy(t => t.Table, StringComparer.Ordinal).ToList(),
            Indexes = indexes.OrderByDescending(i => i.Bytes).ThenBy(i => i.Index, StringComparer.Ordinal).ToList(),
            LongTransactions = transactions,
            BinlogBytes = binlog,
            Connections = connections,
        };
    }
}
