namespace Orchestrator.Drift;

/// <summary>A column as any engine's catalog reports it, for a comparison across engines.</summary>
internal sealed record PortableColumn(string Table, string Name, string DeclaredType, bool Nullable);

/// <summary>An index by its columns; names differ between engines for the same index.</summary>
internal sealed record PortableIndex(string Table, IReadOnlyList<string> Columns, bool Unique);

/// <summary>A primary key (<see cref="Target"/> null) or a foreign key, by its columns.</summary>
internal sealed record PortableKey(string Table, IReadOnlyList<string> Columns, string? Target = null, IReadOnlyList<string>? TargetColumns = null);

/// <summary>
/// The shape two engines can be compared on: tables; columns by type family and nullability;
/// primary keys; indexes by their columns and uniqueness (the primary key's own index aside);
/// foreign keys by their columns and what they reference. Names the engines choose themselves
/// (of indexes, constraints) and details one engine cannot express (sizes, defaults) are left out.
/// </summary>
internal static class PortableSchema
{
    public static SchemaShape Build(IEnumerable<PortableColumn> columns, IEnumerable<PortableKey> keys, IEnumerable<PortableIndex> indexes)
    {
        var shape = new SchemaShape();
        foreach (var column in columns)
        {
            shape.Table(column.Table).Columns[column.Name] = $"{TypeFamily.Of(column.DeclaredType)} {(column.Nullable ? "NULL" : "NOT NULL")}";
        }

        var primaryKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var columnList = string.Join(", ", key.Columns);
            if (key.Target is null)
            {
                primaryKeys[key.Table] = columnList;
                shape.Table(key.Table).Constraints["primary key"] = $"({columnList})";
            }
            else
            {
                shape.Table(key.Table).Constraints[$"foreign key ({columnList})"] = $"references {key.Target} ({string.Join(", ", key.TargetColumns ?? [])})";
            }
        }

        foreach (var index in indexes)
        {
            var columnList = string.Join(", ", index.Columns);
            if (index.Unique && primaryKeys.TryGetValue(index.Table, out var primary) && primary == columnList)
            {
                continue;
            }

            var table = shape.Table(index.Table);
            // One engine's column constraint is two indexes on another (SQLite's inline UNIQUE beside FluentMigrator's own).
            table.Indexes[$"({columnList})"] = index.Unique || table.Indexes.GetValueOrDefault($"({columnList})") == "unique" ? "unique" : "index";
        }

        return shape;
    }

    /// <summary>
    /// The shape as SQLite can hold it, for a comparison with a SQLite database: SQLite has no
    /// boolean type, and FluentMigrator declares booleans INTEGER there.
    /// </summary>
    public static SchemaShape AsSqliteHoldsIt(SchemaShape shape)
    {
        foreach (var table in shape.Tables.Values)
        {
            foreach (var (name, definition) in table.Columns.ToList())
            {
                if (definition.StartsWith(TypeFamily.Boolean + " ", StringComparison.Ordinal))
                {
                    table.Columns[name] = TypeFamily.Integer + definition[TypeFamily.Boolean.Length..];
                }
            }
        }

        return shape;
    }
}
