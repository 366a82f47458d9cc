using Orchestrator.Data;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// FluentMigrator's VersionInfo (an existing Description of VARCHAR or NVARCHAR is accepted as
/// it is), the tool's history table, and a named lock per database (GET_LOCK is server-wide).
/// </summary>
internal sealed class MariaDbMigrationStore : IMigrationStore
{
    /// <summary>ER_NO_SUCH_TABLE.</summary>
    private const string NoSuchTable = "1146";

    public bool TransactionalDdl => false;

    public string BeginTransactionSql => "START TRANSACTION";

    public bool BatchIsAtomic => false;

    public IReadOnlyList<SqlStatement> BatchPrologue { get; } = [new("SET @orchestrator_started = NOW(6)")];

    public async Task EnsureTablesAsync(IDbSession session, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("CREATE TABLE IF NOT EXISTS `VersionInfo` (`Version` BIGINT NOT NULL, `AppliedOn` DATETIME NULL, `Description` VARCHAR(1024) NULL) ENGINE=InnoDB", cancellationToken: cancellationToken);
        await session.ExecuteAsync("CREATE UNIQUE INDEX IF NOT EXISTS `UC_Version` ON `VersionInfo` (`Version`)", cancellationToken: cancellationToken);
        await session.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS `orchestrator_history` (`version` BIGINT NOT NULL PRIMARY KEY, `checksum` CHAR(64) NOT NULL, `duration_ms` BIGINT NOT NULL, `applied_from` VARCHAR(512) NOT NULL, `applied_on` DATETIME NOT NULL) ENGINE=InnoDB",
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Selects from the tables themselves and treats "no such table" (1146) as absent, rather than
    /// asking information_schema: MariaDB 10.11 replicas have crashed (signal 11) answering
    /// information_schema queries while applying replicated DDL.
    /// </summary>
    public async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IDbSession session, CancellationToken cancellationToken)
    {
        IReadOnlyList<DbRow> rows;
        try
        {
            rows = await session.QueryAsync(
                "SELECT v.`Version` AS version, v.`AppliedOn` AS applied_on, v.`Description` AS description, h.checksum, h.duration_ms, h.applied_from FROM `VersionInfo` v LEFT JOIN `orchestrator_history` h ON h.version = v.`Version` ORDER BY v.`Version`",
                cancellationToken: cancellationToken);
        }
        catch (DatabaseException e) when (e.Code == NoSuchTable)
        {
            try
            {
                rows = await session.QueryAsync(
                    "SELECT `Version` AS version, `AppliedOn` AS applied_on, `Description` AS description, NULL AS checksum, NULL AS duration_ms, NULL AS applied_from FROM `VersionInfo` ORDER BY `Version`",
                    cancellationToken: cancellationToken);
            }
            catch (DatabaseException missing) when (missing.Code == NoSuchTable)
            {
                return [];
            }
        }

        return rows
            .Select(r => new AppliedMigration(
                r.GetInt64("version")!.Value,
                r.GetString("applied_on") is { } at ? DateTime.Parse(at, System.Globalization.CultureInfo.InvariantCulture) : null,
                r.GetString("description"),
                r.GetString("checksum"),
                r.GetInt64("duration_ms"),
                r.GetString("applied_from")))
            .ToList();
    }

    public IReadOnlyList<SqlStatement> Record(AppliedMigration migration) =>
    [
        new("INSERT INTO `VersionInfo` (`Version`, `AppliedOn`, `Description`) VALUES (?, UTC_TIMESTAMP(), ?)", [migration.Version, migration.Description is { Length: > 1024 } d ? d[..1024] : migration.Description]),
        new("REPLACE INTO `orchestrator_history` (`version`, `checksum`, `duration_ms`, `applied_from`, `applied_on`) VALUES (?, ?, COALESCE(?, TIMESTAMPDIFF(MICROSECOND, @orchestrator_started, NOW(6)) DIV 1000), ?, UTC_TIMESTAMP())", [migration.Version, migration.Checksum, migration.DurationMs, migration.AppliedFrom]),
    ];

    public IReadOnlyList<SqlStatement> Remove(long version) =>
    [
        new("DELETE FROM `VersionInfo` WHERE `Version` = ?", [version]),
        new("DELETE FROM `orchestrator_history` WHERE `version` = ?", [version]),
    ];

    public async Task<bool> TryLockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT GET_LOCK(?, 0) AS locked", [LockName(database)], cancellationToken)).Single().GetInt64("locked") == 1;

    public async Task<string?> LockHolderAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT IS_USED_LOCK(?) AS holder", [LockName(database)], cancellationToken)).Single().GetString("holder") is { } id
            ? $"connection {id}"
            : null;

    public Task UnlockAsync(IDbSession session, string database, CancellationToken cancellationToken) =>
        session.ExecuteAsync("SELECT RELEASE_LOCK(?)", [LockName(database)], cancellationToken);

    public async Task<string> CommitPositionAsync(IDbSession primary, CancellationToken cancellationToken) =>
        (await primary.QueryAsync("SELECT @@gtid_binlog_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? "";

    /// <summary>MASTER_GTID_WAIT blocks on the server until the replica has applied the position (0) or the timeout passes (-1).</summary>
    public async Task<bool> WaitForReplayAsync(IDbSession replica, string position, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await replica.QueryAsync("SELECT MASTER_GTID_WAIT(?, ?) AS waited", [position, timeout.TotalSeconds], cancellationToken)).Single().GetInt64("waited") == 0;

    /// <summary>1049: ER_BAD_DB_ERROR, unknown database.</summary>
    public bool IsNotYetReplicated(DatabaseException error) => error.Code == "1049";

    public async Task<bool> HasVersionAsync(IDbSession session, long version, CancellationToken cancellationToken) =>
        (await session.QueryAsync("SELECT 1 FROM `VersionInfo` WHERE `Version` = ?", [version], cancellationToken)).Count == 1;

    private static string LockName(string database) => $"orchestrator.migrations.{database}";
}
