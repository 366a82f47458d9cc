using Orchestrator.Data;
using Orchestrator.Drift;

namespace Orchestrator.Engines.Postgres;

/// <summary>Reads tables, columns, indexes and constraints from pg_catalog (user schemas only).</summary>
internal sealed class PostgresSchemaReader : ISchemaReader
{
    private const string UserSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

    public async Task<SchemaShape> ReadAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var shape = new SchemaShape();
        var columns = await session.QueryAsync(
            $"""
            SELECT n.nspname || '.' || c.relname AS tbl, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                   a.attnotnull AS not_null, a.attidentity::text AS identity, pg_get_expr(d.adbin, d.adrelid) AS default_value
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {UserSchemas}
            """,
            cancellationToken: cancellationToken);
        foreach (var column in columns)
        {
            var definition = column.GetString("type")
                + (column.GetBoolean("not_null") == true ? " NOT NULL" : " NULL")
                + (column.GetString("identity") is { Length: > 0 } identity and not "\0" ? $" IDENTITY({identity})" : "")
                + (column.GetString("default_value") is { } value ? $" DEFAULT {value}" : "");
            shape.Table(column.GetString("tbl")!).Columns[column.GetString("name")!] = definition;
        }

        var indexes = await session.QueryAsync(
            $"SELECT n.nspname || '.' || t.relname AS tbl, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE {UserSchemas}",
            cancellationToken: cancellationToken);
        foreach (var index in indexes)
        {
            shape.Table(index.GetString("tbl")!).Indexes[index.GetString("name")!] = index.GetString("definition")!;
        }

        var constraints = await session.QueryAsync(
            $"SELECT n.nspname || '.' || t.relname AS tbl, co.conname AS name, pg_get_constraintdef(co.oid) AS definition FROM pg_constraint co JOIN pg_class t ON t.oid = co.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE {UserSchemas}",
            cancellationToken: cancellationToken);
        foreach (var constraint in constraints)
        {
            shape.Table(constraint.GetString("tbl")!).Constraints[constraint.GetString("name")!] = constraint.GetString("definition")!;
        }

        return shape;
    }
}
