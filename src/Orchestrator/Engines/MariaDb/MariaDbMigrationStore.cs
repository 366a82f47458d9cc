using Orchestrator.Data;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// FluentMigrator's version table in the connection's database (FluentMigrator's MySQL support
/// has no schemas; an existing Description of VARCHAR or NVARCHAR is accepted as it is), the
/// tool's history table beside it, and a named lock per database (GET_LOCK is server-wide).
/// </summary>
internal sealed class MariaDbMigrationStore(VersionTable table) : IMigrationStore
{
    /// <summary>ER_NO_SUCH_TABLE.</summary>
    private const string NoSuchTable = "1146";

    public VersionTable Table => table;

    public bool TransactionalDdl => false;

    public string BeginTransactionSql => "START TRANSACTION";

    public bool BatchIsAtomic => false;

    public IReadOnlyList<SqlStatement> BatchPrologue { get; } = [new("SET @orchestrator_started = NOW(6)")];

    private string Versions => MariaDbSql.Identifier(table.TableName);

    private string Version => MariaDbSql.Identifier(table.ColumnName);

    public async Task EnsureHistoryTableAsync(IDbSession session, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS `{VersionTable.HistoryTableName}` (`version` BIGINT NOT NULL PRIMARY KEY, `checksum` CHAR(64) NOT NULL, `duration_ms` BIGINT NOT NULL, `applied_from` VARCHAR(512) NOT NULL, `applied_on` DATETIME NOT NULL) ENGINE=InnoDB",
            cancellationToken: cancellationToken);
        await session.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS `{VersionTable.ProgressTableName}` (`version` BIGINT NOT NULL, `step` INT NOT NULL, `checksum` CHAR(64) NOT NULL, `done_on` DATETIME NOT NULL, PRIMARY KEY (`version`, `step`)) ENGINE=InnoDB",
            cancellationToken: cancellationToken);
    }

    /// <summary>Run right after the step: after a schema change it commits on its own; after a data change, with the change's transaction.</summary>
    public IReadOnlyList<SqlStatement> RecordStepDone(long version, int step, string checksum) =>
        [new($"REPLACE INTO `{VersionTable.ProgressTableName}` (`version`, `step`, `checksum`, `done_on`) VALUES (?, ?, ?, UTC_TIMESTAMP())", [version, step, checksum])];

    public IReadOnlyList<SqlStatement> ForgetSteps(long version) => [new($"DELETE FROM `{VersionTable.ProgressTableName}` WHERE `version` = ?", [version])];

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<DoneStep>>> ReadDoneStepsAsync(IDbSession session, CancellationToken cancellationToken)
    {
        IReadOnlyList<DbRow> rows;
        try
        {
            rows = await session.QueryAsync($"SELECT `version`, `step`, `checksum` FROM `{VersionTable.ProgressTableName}` ORDER BY `version`, `step`", cancellationToken: cancellationToken);
        }
        catch (DatabaseException missing) when (missing.Code == NoSuchTable)
        {
            return new Dictionary<long, IReadOnlyList<DoneStep>>();
        }

        return rows.GroupBy(r => r.GetInt64("version")!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DoneStep>)g.Select(r => new DoneStep((int)r.GetInt64("step")!.Value, r.GetString("checksum")!)).ToList());
    }

    /// <summary>
    /// Selects from the tables themselves and treats "no such table" (1146) as absent, rather than
    /// asking information_schema: MariaDB 10.11 replicas have crashed (signal 11) answering
    /// information_schema queries while applying replicated DDL.
    /// </summary>
    public async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var appliedOn = MariaDbSql.Identifier(table.AppliedOnColumnName);
        var description = MariaDbSql.Identifier(table.DescriptionColumnName);
        IReadOnlyList<DbRow> rows;
        try
        {
            rows = await session.QueryAsync(
                $"SELECT v.{Version} AS version, v.{appliedOn} AS applied_on, v.{description} AS description, h.checksum, h.duration_ms, h.applied_from FROM {Versions} v LEFT JOIN `{VersionTable.HistoryTableName}` h ON h.version = v.{Version} ORDER BY v.{Version}",
                cancellationToken: cancellationToken);
        }
        catch (DatabaseException e) when (e.Code == NoSuchTable)
        {
            try
            {
                rows = await session.QueryAsync(
                    $"SELECT {Version} AS version, {appliedOn} AS applied_on, {description} AS description, NULL AS checksum, NULL AS duration_ms, NULL AS applied_from FROM {Versions} ORDER BY {Version}",
                    cancellationToken: cancellationToken);
            }
            catch (DatabaseException missing) when (missing.Code == NoSuchTable)
            {
                return [];
            }
        }

        return rows
            .Select(r => new AppliedMigration(r.GetInt64("version")!.Value, r.GetDateTime("applied_on"), r.GetString("description"), r.GetString("checksum"), r.GetInt64("duration_ms"), r.GetString("applied_from")))
            .ToList();
    }

    public IReadOnlyList<SqlStatement> Record(AppliedMigration migration) =>
    [
        new(
            $"INSERT INTO {Versions} ({Version}, {MariaDbSql.Identifier(table.AppliedOnColumnName)}, {MariaDbSql.Identifier(table.DescriptionColumnName)}) VALUES (?, UTC_TIMESTAMP(), ?)",
            [migration.Version, migration.Description is { Length: > 1024 } d ? d[..1024] : migration.Description]),
        new(
            $"REPLACE INTO `{VersionTable.HistoryTableName}` (`version`, `checksum`, `duration_ms`, `applied_from`, `applied_on`) VALUES (?, ?, COALESCE(?, TIMESTAMPDIFF(MICROSECOND, @orchestrator_started, NOW(6)) DIV 1000), ?, UTC_TIMESTAMP())",
            [migration.Version, migration.Checksum, migration.DurationMs, migration.AppliedFrom]),
    ];

    /// <summary>A duration of -1 marks the row in progress: a version FluentMigrator's runner rolled back leaves a complete one.</summary>
    public IReadOnlyList<SqlStatement> RecordInProgress(long version, string checksum, string appliedFrom) =>
    [
        new($"REPLACE INTO `{VersionTable.HistoryTableName}` (`version`, `checksum`, `duration_ms`, `applied_from`, `applied_on`) VALUES (?, ?, -1, ?, UTC_TIMESTAMP())", [version, checksum, appliedFrom]),
    ];

    public async Task<IReadOnlyDictionary<long, string>> ReadMarkedInProgressAsync(IDbSession session, CancellationToken cancellationToken) =>
        (await session.QueryAsync(
            $"SELECT h.`version`, h.`checksum` FROM `{VersionTable.HistoryTableName}` h WHERE h.`duration_ms` = -1 AND NOT EXISTS (SELECT 1 FROM {Versions} v WHERE v.{Version} = h.`version`)",
            cancellationToken: cancellationToken)).ToDictionary(r => r.GetInt64("version")!.Value, r => r.GetString("checksum")!);

    public IReadOnlyList<SqlStatement> Remove(long version) =>
    [
        new($"DELETE FROM {Versions} WHERE {Version} = ?", [version]),
        new($"DELETE FROM `{VersionTable.HistoryTableName}` WHERE `version` = ?", [version]),
    ];

    public async Task<bool> TryLockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT GET_LOCK(?, 0) AS locked", [LockName(database)], cancellationToken)).Single().GetInt64("locked") == 1;

    public async Task<string?> LockHolderAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT IS_USED_LOCK(?) AS holder", [LockName(database)], cancellationToken)).Single().GetString("holder") is { } id
            ? $"connection {id}"
            : null;

    public Task UnlockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        session.ExecuteAsync("SELECT RELEASE_LOCK(?)", [LockName(database)], cancellationToken);

    public async Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken) =>
        (await session.QueryAsync($"SELECT 1 FROM {Versions} WHERE {Version} = ?", [version], cancellationToken)).Count == 1;

    private static string LockName(string database) => $"orchestrator.migrations.{database}";
}
