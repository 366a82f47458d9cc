using Orchestrator.Backups;
using Orchestrator.Data;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// Per-table row counts and content checksums, read in one exported snapshot by two sessions
/// at once. Output settings are fixed, so that where a row's text form is hashed the same data
/// gives the same sums on any server.
/// </summary>
internal static class PostgresChecksums
{
    private const string UndefinedFunction = "42883";

    private const string TablesSql = """
        SELECT n.nspname AS schema, c.relname AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND c.relpersistence = 'p'
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
        ORDER BY c.relpages DESC, n.nspname, c.relname
        """;

    /// <summary>Makes <paramref name="session"/> a read-only snapshot transaction with fixed output settings; returns the snapshot's name.</summary>
    public static async Task<string> BeginSnapshotAsync(IDbSession session, string? import, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken: cancellationToken);
        if (import is not null)
        {
            await session.ExecuteAsync($"SET TRANSACTION SNAPSHOT {PostgresSql.Literal(import)}", cancellationToken: cancellationToken);
        }

        await session.ExecuteAsync(
            "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'",
            cancellationToken: cancellationToken);
        return import ?? (await session.QueryAsync("SELECT pg_export_snapshot() AS snapshot", cancellationToken: cancellationToken)).Single().GetString("snapshot")!;
    }

    /// <summary>Checksums every table, in <paramref name="first"/>'s snapshot and in a second session that imports it.</summary>
    public static async Task<IReadOnlyList<TableChecksum>> ComputeAsync(
        IDbSession first, string snapshot, Func<CancellationToken, Task<IDbSession>> connect, CancellationToken cancellationToken)
    {
        var tables = (await first.QueryAsync(TablesSql, cancellationToken: cancellationToken))
            .Select(r => (Schema: r.GetString("schema")!, Name: r.GetString("name")!))
            .ToList();
        var queue = new System.Collections.Concurrent.ConcurrentQueue<(string Schema, string Name)>(tables);
        var results = new System.Collections.Concurrent.ConcurrentBag<TableChecksum>();

        async Task Work(IDbSession session)
        {
            while (queue.TryDequeue(out var table))
            {
                var name = $"{PostgresSql.Identifier(table.Schema)}.{PostgresSql.Identifier(table.Name)}";
                var row = await ChecksumAsync(session, name, cancellationToken);
                results.Add(new TableChecksum($"{table.Schema}.{table.Name}", row.GetInt64("rows")!.Value, row.GetString("checksum")!));
            }
        }

        if (tables.Count < 2)
        {
            await Work(first);
        }
        else
        {
            await using var second = await connect(cancellationToken);
            await BeginSnapshotAsync(second, snapshot, cancellationToken);
            await Task.WhenAll(Work(first), Work(second));
        }

        return results.OrderBy(t => t.Table, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Hashes each row with its columns' own hash functions (about twice as fast as hashing its
    /// text), or its text when a column's type has none (json, point); a savepoint keeps the
    /// snapshot's transaction usable after that refusal.
    /// </summary>
    private static async Task<DbRow> ChecksumAsync(IDbSession session, string table, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("SAVEPOINT checksum", cancellationToken: cancellationToken);
        try
        {
            var row = (await session.QueryAsync($"SELECT count(*) AS rows, coalesce(sum(hash_record_extended(t, 0)), 0)::text AS checksum FROM {table} AS t", cancellationToken: cancellationToken)).Single();
            await session.ExecuteAsync("RELEASE SAVEPOINT checksum", cancellationToken: cancellationToken);
            return row;
        }
        catch (DatabaseException e) when (e.Code == UndefinedFunction)
        {
            await session.ExecuteAsync("ROLLBACK TO SAVEPOINT checksum", cancellationToken: cancellationToken);
            return (await session.QueryAsync($"SELECT count(*) AS rows, ('t' || coalesce(sum(hashtextextended(t::text, 0)), 0))::text AS checksum FROM {table} AS t", cancellationToken: cancellationToken)).Single();
        }
    }
}
