using Orchestrator.Data;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// MariaDB's online table copy, in the manner of pt-online-schema-change: the shadow is made LIKE
/// the table (indexes keep their names, which are per table here), three triggers carry inserts,
/// updates and deletes with REPLACE, chunks are INSERT ... SELECT ... LOCK IN SHARE MODE, and one
/// RENAME TABLE swaps both names at once. Grants and views name tables, so they follow the name.
/// Schema changes commit one by one here: a rerun finds by name what an interrupted step left.
/// </summary>
internal sealed class MariaDbTableCopies : ITableCopies, ICopyStates
{
    public static readonly MariaDbTableCopies Instance = new();

    public ICopyStates States => this;

    private static readonly string State = MariaDbSql.Identifier(VersionTable.OnlineCopyTableName);

    private static readonly string[] IntegerTypes = ["tinyint", "smallint", "mediumint", "int", "bigint"];

    public string CreateStateTable =>
        $"CREATE TABLE IF NOT EXISTS {State} (`version` BIGINT NOT NULL, `table_schema` VARCHAR(64) NULL, `table_name` VARCHAR(64) NOT NULL, `column_name` VARCHAR(64) NOT NULL, " +
        "`phase` VARCHAR(16) NOT NULL, `last_key` TEXT NULL, `rows_copied` BIGINT NOT NULL DEFAULT 0, `heartbeat` BIGINT NOT NULL DEFAULT 0, `updated_on` DATETIME(6) NOT NULL, " +
        "PRIMARY KEY (`version`, `table_name`, `column_name`)) ENGINE=InnoDB";

    /// <summary>
    /// READ COMMITTED: a chunk's locking read then locks the rows it copies and no gaps, so inserts
    /// past the end of the table do not wait for the last chunk (binlog_format ROW or MIXED logs it safely).
    /// </summary>
    public IReadOnlyList<string> Begin { get; } = ["SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "START TRANSACTION"];

    public bool PrepareIsAtomic => false;

    public string Load => "SELECT COUNT(*) AS busy FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID()";

    public SqlStatement ReadState(long version, TableCopy copy) =>
        new($"SELECT `phase`, `last_key`, `rows_copied`, `heartbeat` FROM {State} WHERE `version` = ? AND `table_name` = ? AND `column_name` = ?", [version, copy.Table, copy.Column]);

    public SqlStatement SaveState(long version, TableCopy copy, CopyState state, long heartbeat) => new(
        $"REPLACE INTO {State} (`version`, `table_schema`, `table_name`, `column_name`, `phase`, `last_key`, `rows_copied`, `heartbeat`, `updated_on`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
        [version, copy.Schema, copy.Table, copy.Column, state.Phase, state.LastKey, state.Rows, heartbeat]);

    public SqlStatement ReadCopies(long version) =>
        new($"SELECT `phase`, `table_schema`, `table_name`, `column_name` FROM {State} WHERE `version` = ? ORDER BY `table_name`, `column_name`", [version]);

    public SqlStatement ForgetCopies(long version) => new($"DELETE FROM {State} WHERE `version` = ?", [version]);

    public SqlStatement Heartbeat(long version, TableCopy copy) =>
        new($"SELECT `heartbeat` FROM {State} WHERE `version` = ? AND `table_name` = ? AND `column_name` = ?", [version, copy.Table, copy.Column]);

    public SqlStatement Exists(TableCopy copy) => new(
        "SELECT SUM(TABLE_NAME = ?) AS table_exists, SUM(TABLE_NAME = ?) AS shadow_exists, SUM(TABLE_NAME = ?) AS old_exists FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
        [copy.Table, copy.Shadow, copy.Old]);

    public async Task<string?> RefusalAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var facts = (await session.QueryAsync(
            """
            SELECT (SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?) AS engine,
                   (SELECT COUNT(*) FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY') AS key_columns,
                   (SELECT MAX(c.DATA_TYPE) FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.COLUMNS c
                     ON c.TABLE_SCHEMA = k.TABLE_SCHEMA AND c.TABLE_NAME = k.TABLE_NAME AND c.COLUMN_NAME = k.COLUMN_NAME
                     WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND k.CONSTRAINT_NAME = 'PRIMARY') AS key_type,
                   (SELECT GROUP_CONCAT(CONCAT(CONSTRAINT_NAME, ' of ', TABLE_NAME) SEPARATOR ', ') FROM information_schema.REFERENTIAL_CONSTRAINTS
                     WHERE CONSTRAINT_SCHEMA = DATABASE() AND (TABLE_NAME = ? OR REFERENCED_TABLE_NAME = ?)) AS foreign_keys,
                   (SELECT GROUP_CONCAT(TRIGGER_NAME SEPARATOR ', ') FROM information_schema.TRIGGERS
                     WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME NOT IN (?, ?, ?)) AS triggers
            """,
            [copy.Table, copy.Table, copy.Table, copy.Table, copy.Table, copy.Table, .. Triggers(copy)],
            cancellationToken)).Single();
        return facts.GetString("engine") switch
        {
            null => $"table `{copy.Table}` does not exist",
            not "InnoDB" => $"`{copy.Table}` is not an InnoDB table",
            _ when facts.GetInt64("key_columns") != 1 => $"`{copy.Table}` has no single-column primary key to copy it by in chunks",
            _ when facts.GetString("key_type") is { } type && (type.Contains("binary", StringComparison.Ordinal) || type.Contains("blob", StringComparison.Ordinal)) =>
                $"the primary key of `{copy.Table}` is binary ({type}), which the copy cannot record as its position",
            _ when facts.GetString("foreign_keys") is { } fks => $"foreign keys involve `{copy.Table}` ({fks}); InnoDB names them per database, so they cannot move to the new table under their names",
            _ when facts.GetString("triggers") is { } triggers => $"`{copy.Table}` has triggers of its own ({triggers})",
            _ => null,
        };
    }

    public async Task<IReadOnlyList<string>> PrepareAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var table = MariaDbSql.Identifier(copy.Table);
        var shadow = MariaDbSql.Identifier(copy.Shadow);
        var (key, columns) = await OwnColumnsAsync(session, copy, cancellationToken);
        var names = string.Join(", ", columns.Select(MariaDbSql.Identifier));
        var values = string.Join(", ", columns.Select(c => "NEW." + MariaDbSql.Identifier(c)));
        var quotedKey = MariaDbSql.Identifier(key);
        var triggers = Triggers(copy).Select(MariaDbSql.Identifier).ToList();
        return
        [
            $"CREATE TABLE {shadow} LIKE {table}",
            .. copy.ShadowChanges,
            // Deletes and updates first: a row inserted before them would otherwise change unseen.
            $"CREATE TRIGGER {triggers[2]} AFTER DELETE ON {table} FOR EACH ROW DELETE FROM {shadow} WHERE {quotedKey} <=> OLD.{quotedKey}",
            $"CREATE TRIGGER {triggers[1]} AFTER UPDATE ON {table} FOR EACH ROW BEGIN DELETE FROM {shadow} WHERE {quotedKey} <=> OLD.{quotedKey}; REPLACE INTO {shadow} ({names}) VALUES ({values}); END",
            $"CREATE TRIGGER {triggers[0]} AFTER INSERT ON {table} FOR EACH ROW REPLACE INTO {shadow} ({names}) VALUES ({values})",
        ];
    }

    public async Task<CopyColumns> ColumnsAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var (key, _) = await OwnColumnsAsync(session, copy, cancellationToken);
        var rows = await session.QueryAsync(
            """
            SELECT c.COLUMN_NAME AS name, s.COLUMN_TYPE AS type, c.DATA_TYPE AS data_type, c.COLUMN_TYPE AS column_type FROM information_schema.COLUMNS c
            JOIN information_schema.COLUMNS s ON s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = ? AND s.COLUMN_NAME = c.COLUMN_NAME
            WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ? AND c.EXTRA NOT LIKE '%GENERATED%' ORDER BY c.ORDINAL_POSITION
            """,
            [copy.Shadow, copy.Table],
            cancellationToken);
        var keyRow = rows.Single(r => r.GetString("name") == key);
        var keyType = IntegerTypes.Contains(keyRow.GetString("data_type")) ? keyRow.GetString("column_type")!.Contains("unsigned", StringComparison.Ordinal) ? "UNSIGNED" : "SIGNED" : "";
        return new CopyColumns(key, keyType, rows.Select(r => (r.GetString("name")!, r.GetString("type")!)).ToList());
    }

    public SqlStatement LastKey(TableCopy copy, CopyColumns columns) =>
        new($"SELECT CAST(MAX({MariaDbSql.Identifier(columns.Key)}) AS CHAR) AS bound FROM {MariaDbSql.Identifier(copy.Table)}");

    public SqlStatement NextBound(TableCopy copy, CopyColumns columns, string? after, string end, int rows)
    {
        var table = MariaDbSql.Identifier(copy.Table);
        var key = MariaDbSql.Identifier(columns.Key);
        var where = $"WHERE {key} <= {Bound(columns)}" + (after is null ? "" : $" AND {key} > {Bound(columns)}");
        return new(
            $"SELECT CAST(COALESCE((SELECT {key} FROM {table} {where} ORDER BY {key} LIMIT 1 OFFSET {rows - 1}), (SELECT MAX({key}) FROM {table} {where})) AS CHAR) AS bound",
            after is null ? [end, end] : [end, after, end, after]);
    }

    public SqlStatement CopyChunk(TableCopy copy, CopyColumns columns, string? after, string upTo)
    {
        var key = MariaDbSql.Identifier(columns.Key);
        var shadow = MariaDbSql.Identifier(copy.Shadow);
        var names = string.Join(", ", columns.Columns.Select(c => MariaDbSql.Identifier(c.Name)));
        var from = after is null ? "" : $"{key} > {Bound(columns)} AND ";
        return new(
            $"INSERT INTO {shadow} ({names}) SELECT {names} FROM {MariaDbSql.Identifier(copy.Table)} FORCE INDEX (PRIMARY) WHERE {from}{key} <= {Bound(columns)} LOCK IN SHARE MODE " +
            $"ON DUPLICATE KEY UPDATE {shadow}.{key} = {shadow}.{key}",
            after is null ? [upTo] : [after, upTo]);
    }

    public SqlStatement Compare(TableCopy copy, CopyColumns columns)
    {
        var table = MariaDbSql.Identifier(copy.Table);
        var shadow = MariaDbSql.Identifier(copy.Shadow);
        var key = MariaDbSql.Identifier(columns.Key);
        var equal = string.Join(" AND ", columns.Columns.Select(c => $"{Converted("o." + MariaDbSql.Identifier(c.Name), c.Type)} <=> n.{MariaDbSql.Identifier(c.Name)}"));
        return new(
            $"SELECT (SELECT COUNT(*) FROM {table}) AS old_rows, (SELECT COUNT(*) FROM {shadow}) AS new_rows, " +
            $"(SELECT COUNT(*) FROM {table} o LEFT JOIN {shadow} n ON n.{key} = o.{key} WHERE n.{key} IS NULL OR NOT ({equal})) AS differing");
    }

    public async Task<IReadOnlyList<SqlStatement>> SwapAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var next = (await session.QueryAsync(
            "SELECT AUTO_INCREMENT AS next FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", [copy.Table], cancellationToken)).SingleOrDefault()?.GetInt64("next");
        var shadow = MariaDbSql.Identifier(copy.Shadow);
        return
        [
            .. next is { } value ? new[] { new SqlStatement($"ALTER TABLE {shadow} AUTO_INCREMENT = {value}") } : [],
            new($"RENAME TABLE {MariaDbSql.Identifier(copy.Table)} TO {MariaDbSql.Identifier(copy.Old)}, {shadow} TO {MariaDbSql.Identifier(copy.Table)}"),
        ];
    }

    public IReadOnlyList<string> Finish(TableCopy copy) => [$"DROP TABLE IF EXISTS {MariaDbSql.Identifier(copy.Old)}"];

    public IReadOnlyList<string> Abandon(TableCopy copy) =>
    [
        .. Triggers(copy).Select(t => $"DROP TRIGGER IF EXISTS {MariaDbSql.Identifier(t)}"),
        $"DROP TABLE IF EXISTS {MariaDbSql.Identifier(copy.Shadow)}",
    ];

    /// <summary>An old value as the new column's type would hold it, where CAST can say so (numbers, decimals, times); else as it is.</summary>
    private static string Converted(string value, string newType)
    {
        var type = newType.ToLowerInvariant();
        var unsigned = type.Contains("unsigned", StringComparison.Ordinal);
        var name = new string(type.TakeWhile(char.IsLetter).ToArray());
        var arguments = System.Text.RegularExpressions.Regex.Match(type, @"^\w+(\(\d+(,\d+)?\))").Groups[1].Value;
        var target = name switch
        {
            "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" => unsigned ? "UNSIGNED" : "SIGNED",
            "decimal" or "numeric" => $"DECIMAL{arguments}",
            "double" or "real" => "DOUBLE",
            "float" => "FLOAT",
            "date" => "DATE",
            "datetime" or "timestamp" => $"DATETIME{arguments}",
            "time" => $"TIME{arguments}",
            _ => null,
        };
        return target is null ? value : $"CAST({value} AS {target})";
    }

    private static string[] Triggers(TableCopy copy) => [$"{copy.Table}__oc_i", $"{copy.Table}__oc_u", $"{copy.Table}__oc_d"];

    /// <summary>A recorded key (text) compared as the key's own type, so the primary key's index serves the range.</summary>
    private static string Bound(CopyColumns columns) => columns.KeyType.Length == 0 ? "?" : $"CAST(? AS {columns.KeyType})";

    private static async Task<(string Key, IReadOnlyList<string> Columns)> OwnColumnsAsync(IDbSession session, TableCopy copy, CancellationToken cancellationToken)
    {
        var key = (await session.QueryAsync(
            "SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'", [copy.Table], cancellationToken))
            .Single().GetString("name")!;
        var columns = (await session.QueryAsync(
            "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY ORDINAL_POSITION", [copy.Table], cancellationToken))
            .Select(r => r.GetString("name")!).ToList();
        return (key, columns);
    }
}
