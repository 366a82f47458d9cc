using Orchestrator.Data;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// FluentMigrator's version table (by default "public"."VersionInfo": quoted, case-sensitive
/// names, unique index "UC_Version", no primary key), the tool's history table in the same schema,
/// and an advisory lock. Advisory locks belong to one database, so one fixed key serves every database.
/// </summary>
internal sealed class PostgresMigrationStore(VersionTable table) : IMigrationStore
{
    private const long LockKey = 0x4F52_4348_4D49_4752; // "ORCHMIGR"

    private readonly string _schema = table.SchemaName ?? "public";

    public VersionTable Table => table;

    public bool TransactionalDdl => true;

    public string BeginTransactionSql => "BEGIN";

    public bool BatchIsAtomic => true;

    /// <summary>None needed: the batch's transaction start, now(), is the clock.</summary>
    public IReadOnlyList<SqlStatement> BatchPrologue => [];

    private string Versions => $"{PostgresSql.Identifier(_schema)}.{PostgresSql.Identifier(table.TableName)}";

    private string History => $"{PostgresSql.Identifier(_schema)}.{VersionTable.HistoryTableName}";

    private string Version => PostgresSql.Identifier(table.ColumnName);

    public Task EnsureHistoryTableAsync(IDbSession session, CancellationToken cancellationToken) =>
        session.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {History} (version bigint PRIMARY KEY, checksum char(64) NOT NULL, duration_ms bigint NOT NULL, applied_from varchar(512) NOT NULL, applied_on timestamp NOT NULL)",
            cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var tables = (await session.QueryAsync(
            "SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL AS versions, to_regclass(format('%I.%I', $1::text, $3::text)) IS NOT NULL AS history",
            [_schema, table.TableName, VersionTable.HistoryTableName],
            cancellationToken)).Single();
        if (tables.GetBoolean("versions") != true)
        {
            return [];
        }

        var appliedOn = PostgresSql.Identifier(table.AppliedOnColumnName);
        var description = PostgresSql.Identifier(table.DescriptionColumnName);
        var sql = tables.GetBoolean("history") == true
            ? $"SELECT v.{Version} AS version, v.{appliedOn} AS applied_on, v.{description} AS description, h.checksum, h.duration_ms, h.applied_from FROM {Versions} v LEFT JOIN {History} h ON h.version = v.{Version} ORDER BY v.{Version}"
            : $"SELECT {Version} AS version, {appliedOn} AS applied_on, {description} AS description, NULL AS checksum, NULL::bigint AS duration_ms, NULL AS applied_from FROM {Versions} ORDER BY {Version}";
        return (await session.QueryAsync(sql, cancellationToken: cancellationToken))
            .Select(r => new AppliedMigration(r.GetInt64("version")!.Value, r.GetDateTime("applied_on"), r.GetString("description"), r.GetString("checksum"), r.GetInt64("duration_ms"), r.GetString("applied_from")))
            .ToList();
    }

    public IReadOnlyList<SqlStatement> Record(AppliedMigration migration) =>
    [
        new(
            $"INSERT INTO {Versions} ({Version}, {PostgresSql.Identifier(table.AppliedOnColumnName)}, {PostgresSql.Identifier(table.DescriptionColumnName)}) VALUES ($1, now() AT TIME ZONE 'UTC', $2)",
            [migration.Version, Truncate(migration.Description)]),
        new(
            $"""
            INSERT INTO {History} (version, checksum, duration_ms, applied_from, applied_on)
            VALUES ($1, $2, COALESCE($3, (extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint), $4, now() AT TIME ZONE 'UTC')
            ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum, duration_ms = EXCLUDED.duration_ms, applied_from = EXCLUDED.applied_from, applied_on = EXCLUDED.applied_on
            """,
            [migration.Version, migration.Checksum, migration.DurationMs, migration.AppliedFrom]),
    ];

    /// <summary>A duration of -1 marks the row in progress: a version FluentMigrator's runner rolled back leaves a complete one.</summary>
    public IReadOnlyList<SqlStatement> RecordInProgress(long version, string checksum, string appliedFrom) =>
    [
        new(
            $"""
            INSERT INTO {History} (version, checksum, duration_ms, applied_from, applied_on) VALUES ($1, $2, -1, $3, now() AT TIME ZONE 'UTC')
            ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum, duration_ms = -1, applied_from = EXCLUDED.applied_from, applied_on = EXCLUDED.applied_on
            """,
            [version, checksum, appliedFrom]),
    ];

    public async Task<IReadOnlyDictionary<long, string>> ReadMarkedInProgressAsync(IDbSession session, CancellationToken cancellationToken) =>
        (await session.QueryAsync(
            $"SELECT h.version, h.checksum FROM {History} h WHERE h.duration_ms = -1 AND NOT EXISTS (SELECT 1 FROM {Versions} v WHERE v.{Version} = h.version)",
            cancellationToken: cancellationToken)).ToDictionary(r => r.GetInt64("version")!.Value, r => r.GetString("checksum")!);

    public IReadOnlyList<SqlStatement> Remove(long version) =>
    [
        new($"DELETE FROM {Versions} WHERE {Version} = $1", [version]),
        new($"DELETE FROM {History} WHERE version = $1", [version]),
    ];

    public async Task<bool> TryLockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT pg_try_advisory_lock($1) AS locked", [LockKey], cancellationToken)).Single().GetBoolean("locked") == true;

    public async Task<string?> LockHolderAsync(IDbSession session, string database, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((classid::bigint << 32) | objid::bigint) = $1
            """,
            [LockKey],
            cancellationToken);
        return rows.Count == 0 ? null : $"server process {rows[0].GetInt64("pid")}";
    }

    public Task UnlockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        session.ExecuteAsync("SELECT pg_advisory_unlock($1)", [LockKey], cancellationToken);

    public async Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken) =>
        (await session.QueryAsync($"SELECT 1 FROM {Versions} WHERE {Version} = $1", [version], cancellationToken)).Count == 1;

    /// <summary>FluentMigrator's description column holds 1024 characters.</summary>
    private static string? Truncate(string? description) => description is { Length: > 1024 } ? description[..1024] : description;
}
