using Orchestrator.Data;
using Orchestrator.Drift;
using Orchestrator.Environments.Internal;

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

    /// <summary>Tables of schema public by their own names, others qualified; columns, keys and indexes by column names.</summary>
    public async Task<SchemaShape> ReadPortableAsync(IDbSession session, CancellationToken cancellationToken)
    {
        const string Table = "CASE WHEN n.nspname = 'public' THEN t.relname ELSE n.nspname || '.' || t.relname END";
        const string TargetTable = "CASE WHEN rn.nspname = 'public' THEN rt.relname ELSE rn.nspname || '.' || rt.relname END";
        static string Names(string keys, string relation) =>
            $"(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest({keys}) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = {relation} AND a.attnum = k.attnum)";

        var columns = await session.QueryAsync(
            $"""
            SELECT {Table} AS tbl, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
            FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE t.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {UserSchemas}
            """,
            cancellationToken: cancellationToken);
        var keys = await session.QueryAsync(
            $"""
            SELECT {Table} AS tbl, co.contype::text AS kind, {Names("co.conkey", "co.conrelid")} AS cols,
                   {TargetTable} AS target, {Names("co.confkey", "co.confrelid")} AS target_cols
            FROM pg_constraint co JOIN pg_class t ON t.oid = co.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_class rt ON rt.oid = co.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rt.relnamespace
            WHERE co.contype IN ('p', 'f') AND {UserSchemas}
            """,
            cancellationToken: cancellationToken);
        var indexes = await session.QueryAsync(
            $"""
            SELECT {Table} AS tbl, x.indisunique AS is_unique, {Names("x.indkey::int2[]", "x.indrelid")} AS cols
            FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE {UserSchemas}
            """,
            cancellationToken: cancellationToken);
        static IReadOnlyList<string> Split(string? list) => list?.Split(',') ?? [];
        return PortableSchema.Build(
            columns.Select(c => new PortableColumn(c.GetString("tbl")!, c.GetString("name")!, c.GetString("type")!, c.GetBoolean("nullable") == true)),
            keys.Select(k => k.GetString("kind") == "p"
                ? new PortableKey(k.GetString("tbl")!, Split(k.GetString("cols")))
                : new PortableKey(k.GetString("tbl")!, Split(k.GetString("cols")), k.GetString("target"), Split(k.GetString("target_cols")))),
            indexes.Where(i => i.GetString("cols") is not null).Select(i => new PortableIndex(i.GetString("tbl")!, Split(i.GetString("cols")), i.GetBoolean("is_unique") == true)));
    }
}
