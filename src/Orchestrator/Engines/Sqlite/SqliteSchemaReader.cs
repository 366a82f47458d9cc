using Orchestrator.Data;
using Orchestrator.Drift;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// Reads tables, columns, indexes and foreign keys of a SQLite file from its catalog pragmas.
/// SQLite keeps no names for foreign keys, so they are named by their columns.
/// </summary>
internal sealed class SqliteSchemaReader : ISchemaReader
{
    private const string UserTables = "m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";

    public async Task<SchemaShape> ReadAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var shape = new SchemaShape();
        foreach (var column in await ColumnsAsync(session, cancellationToken))
        {
            var definition = (column.GetString("type") is { Length: > 0 } type ? type : "ANY")
                + (column.GetInt64("notnull") == 1 ? " NOT NULL" : " NULL")
                + (column.GetString("dflt_value") is { } value ? $" DEFAULT {value}" : "")
                + (column.GetInt64("pk") is > 0 and var pk ? $" PRIMARY KEY {pk}" : "")
                + (column.GetInt64("hidden") is 2 or 3 ? " GENERATED" : "");
            shape.Table(column.GetString("tbl")!).Columns[column.GetString("name")!] = definition;
        }

        foreach (var index in await IndexesAsync(session, cancellationToken))
        {
            shape.Table(index.Table).Indexes[index.Name] = $"{(index.Unique ? "UNIQUE " : "")}({string.Join(", ", index.Columns)}){(index.Origin == "pk" ? " PRIMARY KEY" : "")}";
        }

        foreach (var key in await ForeignKeysAsync(session, cancellationToken))
        {
            shape.Table(key.Table).Constraints[$"FK ({string.Join(", ", key.Columns)})"] =
                $"FOREIGN KEY ({string.Join(", ", key.Columns)}) REFERENCES {key.Target} ({string.Join(", ", key.TargetColumns)}) ON UPDATE {key.OnUpdate} ON DELETE {key.OnDelete}";
        }

        return shape;
    }

    public async Task<SchemaShape> ReadPortableAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var columns = await ColumnsAsync(session, cancellationToken);
        var primaryKeys = columns
            .Where(c => c.GetInt64("pk") > 0)
            .GroupBy(c => c.GetString("tbl")!)
            .Select(g => new PortableKey(g.Key, g.OrderBy(c => c.GetInt64("pk")).Select(c => c.GetString("name")!).ToList()));
        var foreignKeys = (await ForeignKeysAsync(session, cancellationToken)).Select(k => new PortableKey(k.Table, k.Columns, k.Target, k.TargetColumns));
        return PortableSchema.Build(
            columns.Select(c => new PortableColumn(c.GetString("tbl")!, c.GetString("name")!, c.GetString("type") ?? "", c.GetInt64("notnull") != 1)),
            primaryKeys.Concat(foreignKeys),
            (await IndexesAsync(session, cancellationToken)).Select(i => new PortableIndex(i.Table, i.Columns.Select(c => c.Replace(" DESC", "", StringComparison.Ordinal)).ToList(), i.Unique)));
    }

    internal static Task<IReadOnlyList<DbRow>> ColumnsAsync(IDbSession session, CancellationToken cancellationToken) =>
        session.QueryAsync(
            $"SELECT m.name AS tbl, p.name, p.type, p.\"notnull\" AS \"notnull\", p.dflt_value, p.pk, p.hidden FROM sqlite_schema AS m JOIN pragma_table_xinfo(m.name) AS p WHERE {UserTables} ORDER BY m.name, p.cid",
            cancellationToken: cancellationToken);

    internal static async Task<IReadOnlyList<SqliteIndex>> IndexesAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(
            $"""
            SELECT m.name AS tbl, il.name AS idx, il."unique" AS is_unique, il.origin, ix.seqno, ix.name AS col, ix."desc" AS descending
            FROM sqlite_schema AS m JOIN pragma_index_list(m.name) AS il JOIN pragma_index_xinfo(il.name) AS ix
            WHERE {UserTables} AND ix.key = 1 ORDER BY m.name, il.name, ix.seqno
            """,
            cancellationToken: cancellationToken);
        return rows
            .GroupBy(r => (Table: r.GetString("tbl")!, Name: r.GetString("idx")!))
            .Select(g => new SqliteIndex(
                g.Key.Table,
                g.Key.Name,
                g.First().GetInt64("is_unique") == 1,
                g.First().GetString("origin") ?? "c",
                g.Select(r => (r.GetString("col") ?? "<expression>") + (r.GetInt64("descending") == 1 ? " DESC" : "")).ToList()))
            .ToList();
    }

    internal static async Task<IReadOnlyList<SqliteForeignKey>> ForeignKeysAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(
            $"SELECT m.name AS tbl, f.id, f.seq, f.\"table\" AS target, f.\"from\" AS col, f.\"to\" AS target_col, f.on_update, f.on_delete FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f WHERE {UserTables} ORDER BY m.name, f.id, f.seq",
            cancellationToken: cancellationToken);
        var keys = new List<SqliteForeignKey>();
        foreach (var key in rows.GroupBy(r => (Table: r.GetString("tbl")!, Id: r.GetInt64("id"))))
        {
            var target = key.First().GetString("target")!;

            // A reference without columns names the target's primary key.
            var targetColumns = key.All(r => r.GetString("target_col") is not null)
                ? key.Select(r => r.GetString("target_col")!).ToList()
                : (await session.QueryAsync("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk", [target], cancellationToken)).Select(r => r.GetString("name")!).ToList();
            keys.Add(new SqliteForeignKey(key.Key.Table, key.Select(r => r.GetString("col")!).ToList(), target, targetColumns, key.First().GetString("on_update") ?? "NO ACTION", key.First().GetString("on_delete") ?? "NO ACTION"));
        }

        return keys;
    }
}

internal sealed record SqliteIndex(string Table, string Name, bool Unique, string Origin, IReadOnlyList<string> Columns);

internal sealed record SqliteForeignKey(string Table, IReadOnlyList<string> Columns, string Target, IReadOnlyList<string> TargetColumns, string OnUpdate, string OnDelete);
