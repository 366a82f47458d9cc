using Orchestrator.Data;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// FluentMigrator's version table in the database file (SQLite has no schemas: a schema in the
/// version table's metadata is not used), the tool's history table beside it, and SQLite's own
/// locking in place of a migration lock: no lock outlives a transaction there, so each migration
/// claims its version inside its own IMMEDIATE transaction, and a runner that finds it claimed
/// by another skips it. The run-level "lock" only waits, announcing it, while another writer holds the file.
/// </summary>
internal sealed class SqliteMigrationStore(VersionTable table) : IMigrationStore
{
    /// <summary>SQLITE_CONSTRAINT: the claimed version's row exists (the unique index on the version).</summary>
    private const string Constraint = "19";

    public VersionTable Table => table;

    public bool TransactionalDdl => true;

    public string BeginTransactionSql => "BEGIN IMMEDIATE";

    public bool BatchIsAtomic => false;

    public bool ClaimsVersions => true;

    /// <summary>Notes when the migration started, for its duration in the history row.</summary>
    public IReadOnlyList<SqlStatement> BatchPrologue { get; } =
    [
        new("CREATE TEMP TABLE IF NOT EXISTS orchestrator_clock (started REAL NOT NULL)"),
        new("DELETE FROM temp.orchestrator_clock"),
        new("INSERT INTO temp.orchestrator_clock VALUES (julianday('now'))"),
    ];

    private string Versions => SqliteSql.Identifier(table.TableName);

    private string Version => SqliteSql.Identifier(table.ColumnName);

    private string AppliedOn => SqliteSql.Identifier(table.AppliedOnColumnName);

    private string Description => SqliteSql.Identifier(table.DescriptionColumnName);

    private static string History => SqliteSql.Identifier(VersionTable.HistoryTableName);

    public Task EnsureHistoryTableAsync(IDbSession session, CancellationToken cancellationToken) =>
        session.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {History} (version INTEGER NOT NULL PRIMARY KEY, checksum TEXT NOT NULL, duration_ms INTEGER NOT NULL, applied_from TEXT NOT NULL, applied_on TEXT NOT NULL)",
            cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IDbSession session, CancellationToken cancellationToken)
    {
        if ((await session.QueryAsync("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $1", [table.TableName], cancellationToken)).Count == 0)
        {
            return [];
        }

        var history = (await session.QueryAsync("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $1", [VersionTable.HistoryTableName], cancellationToken)).Count > 0;
        var rows = await session.QueryAsync(
            history
                ? $"SELECT v.{Version} AS version, v.{AppliedOn} AS applied_on, v.{Description} AS description, h.checksum, h.duration_ms, h.applied_from FROM {Versions} v LEFT JOIN {History} h ON h.version = v.{Version} ORDER BY v.{Version}"
                : $"SELECT {Version} AS version, {AppliedOn} AS applied_on, {Description} AS description, NULL AS checksum, NULL AS duration_ms, NULL AS applied_from FROM {Versions} ORDER BY {Version}",
            cancellationToken: cancellationToken);
        return rows
            .Select(r => new AppliedMigration(r.GetInt64("version")!.Value, r.GetDateTime("applied_on"), r.GetString("description"), r.GetString("checksum"), r.GetInt64("duration_ms"), r.GetString("applied_from")))
            .ToList();
    }

    /// <summary>The version row, claimed first; fails on the unique index when another runner recorded it.</summary>
    public IReadOnlyList<SqlStatement> Claim(long version) => [new($"INSERT INTO {Versions} ({Version}) VALUES ($1)", [version])];

    public bool IsClaimConflict(DatabaseException error) => error.Code == Constraint;

    /// <summary>Completes the claimed row (or writes it, for a migration that ran without a claim) as FluentMigrator writes its own.</summary>
    public IReadOnlyList<SqlStatement> Record(AppliedMigration migration) =>
    [
        new(
            $"INSERT INTO {Versions} ({Version}, {AppliedOn}, {Description}) VALUES ($1, strftime('%Y-%m-%dT%H:%M:%S', 'now'), $2) " +
            $"ON CONFLICT ({Version}) DO UPDATE SET {AppliedOn} = excluded.{AppliedOn}, {Description} = excluded.{Description}",
            [migration.Version, migration.Description]),
        new(
            $"INSERT OR REPLACE INTO {History} (version, checksum, duration_ms, applied_from, applied_on) " +
            $"VALUES ($1, $2, {(migration.DurationMs is null ? "CAST((julianday('now') - (SELECT started FROM temp.orchestrator_clock)) * 86400000 AS INTEGER)" : "$3")}, $4, strftime('%Y-%m-%dT%H:%M:%S', 'now'))",
            [migration.Version, migration.Checksum, migration.DurationMs ?? 0, migration.AppliedFrom]),
    ];

    /// <summary>A duration of -1 marks the row in progress: a version FluentMigrator's runner rolled back leaves a complete one.</summary>
    public IReadOnlyList<SqlStatement> RecordInProgress(long version, string checksum, string appliedFrom) =>
    [
        new($"INSERT OR REPLACE INTO {History} (version, checksum, duration_ms, applied_from, applied_on) VALUES ($1, $2, -1, $3, strftime('%Y-%m-%dT%H:%M:%S', 'now'))", [version, checksum, appliedFrom]),
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

    /// <summary>Free when the write lock can be had within a second; it is let go at once (see the class summary).</summary>
    public async Task<bool> TryLockAsync(IDbSession session, string database, CancellationToken cancellationToken)
    {
        var sqlite = (SqliteSession)session;
        if (!await sqlite.TryBeginImmediateAsync(TimeSpan.FromSeconds(1), cancellationToken))
        {
            return false;
        }

        await session.ExecuteAsync("ROLLBACK", cancellationToken: cancellationToken);
        return true;
    }

    public Task PrepareWritesAsync(IDbSession session, CancellationToken cancellationToken) =>
        ((SqliteSession)session).CreateFileAsync(cancellationToken);

    public Task<string?> LockHolderAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        Task.FromResult<string?>($"another writer of {((SqliteSession)session).File}");

    public Task UnlockAsync(IDbSession session, string database, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken) =>
        (await session.QueryAsync($"SELECT 1 FROM {Versions} WHERE {Version} = $1", [version], cancellationToken)).Count == 1;
}
