using Orchestrator.Data;
using Orchestrator.Drift;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Reads tables, columns, indexes and foreign keys of the current database from information_schema.</summary>
internal sealed class MariaDbSchemaReader : ISchemaReader
{
    public async Task<SchemaShape> ReadAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var shape = new SchemaShape();
        var columns = await session.QueryAsync(
            """
            SELECT c.TABLE_NAME AS tbl, c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, c.IS_NULLABLE AS nullable, c.COLUMN_DEFAULT AS default_value, c.EXTRA AS extra
            FROM information_schema.COLUMNS c
            JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
            WHERE c.TABLE_SCHEMA = DATABASE()
            """,
            cancellationToken: cancellationToken);
        foreach (var column in columns)
        {
            var definition = column.GetString("type")
                + (column.GetString("nullable") == "NO" ? " NOT NULL" : " NULL")
                + (column.GetString("default_value") is { } value ? $" DEFAULT {value}" : "")
                + (column.GetString("extra") is { Length: > 0 } extra ? $" {extra.ToUpperInvariant()}" : "");
            shape.Table(column.GetString("tbl")!).Columns[column.GetString("name")!] = definition;
        }

        var indexes = await session.QueryAsync(
            """
            SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, MAX(NON_UNIQUE) AS non_unique,
                   GROUP_CONCAT(CONCAT(COLUMN_NAME, IF(COLLATION = 'D', ' DESC', '')) ORDER BY SEQ_IN_INDEX SEPARATOR ', ') AS cols
            FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
            GROUP BY TABLE_NAME, INDEX_NAME
            """,
            cancellationToken: cancellationToken);
        foreach (var index in indexes)
        {
            shape.Table(index.GetString("tbl")!).Indexes[index.GetString("name")!] = $"{(index.GetInt64("non_unique") == 0 ? "UNIQUE " : "")}({index.GetString("cols")})";
        }

        var keys = await session.QueryAsync(
            """
            SELECT rc.TABLE_NAME AS tbl, rc.CONSTRAINT_NAME AS name, rc.REFERENCED_TABLE_NAME AS target, rc.UPDATE_RULE AS on_update, rc.DELETE_RULE AS on_delete,
                   GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', ') AS cols,
                   GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', ') AS target_cols
            FROM information_schema.REFERENTIAL_CONSTRAINTS rc
            JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME
            WHERE rc.CONSTRAINT_SCHEMA = DATABASE()
            GROUP BY rc.TABLE_NAME, rc.CONSTRAINT_NAME, rc.REFERENCED_TABLE_NAME, rc.UPDATE_RULE, rc.DELETE_RULE
            """,
            cancellationToken: cancellationToken);
        foreach (var key in keys)
        {
            shape.Table(key.GetString("tbl")!).Constraints[key.GetString("name")!] =
                $"FOREIGN KEY ({key.GetString("cols")}) REFERENCES {key.GetString("target")} ({key.GetString("target_cols")}) ON UPDATE {key.GetString("on_update")} ON DELETE {key.GetString("on_delete")}";
        }

        return shape;
    }

    public async Task<SchemaShape> ReadPortableAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var columns = await session.QueryAsync(
            """
            SELECT c.TABLE_NAME AS tbl, c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, c.IS_NULLABLE AS nullable
            FROM information_schema.COLUMNS c
            JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
            WHERE c.TABLE_SCHEMA = DATABASE()
            """,
            cancellationToken: cancellationToken);
        var indexes = await session.QueryAsync(
            """
            SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, MAX(NON_UNIQUE) AS non_unique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS cols
            FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
            GROUP BY TABLE_NAME, INDEX_NAME
            """,
            cancellationToken: cancellationToken);
        var foreignKeys = await session.QueryAsync(
            """
            SELECT TABLE_NAME AS tbl, REFERENCED_TABLE_NAME AS target,
                   GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION SEPARATOR ',') AS cols,
                   GROUP_CONCAT(REFERENCED_COLUMN_NAME ORDER BY ORDINAL_POSITION SEPARATOR ',') AS target_cols
            FROM information_schema.KEY_COLUMN_USAGE
            WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
            GROUP BY TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME
            """,
            cancellationToken: cancellationToken);
        var primaryKeys = indexes
            .Where(i => i.GetString("name") == "PRIMARY")
            .Select(i => new PortableKey(i.GetString("tbl")!, i.GetString("cols")!.Split(',')));
        return PortableSchema.Build(
            columns.Select(c => new PortableColumn(c.GetString("tbl")!, c.GetString("name")!, c.GetString("type")!, c.GetString("nullable") == "YES")),
            primaryKeys.Concat(foreignKeys.Select(k => new PortableKey(k.GetString("tbl")!, k.GetString("cols")!.Split(','), k.GetString("target"), k.GetString("target_cols")!.Split(',')))),
            indexes.Select(i => new PortableIndex(i.GetString("tbl")!, i.GetString("cols")!.Split(','), i.GetInt64("non_unique") == 0)));
    }
}
