namespace Orchestrator.Drift;

/// <summary>Compares two schema shapes table by table (pure).</summary>
internal static class SchemaComparer
{
    public static IReadOnlyList<DriftItem> Compare(SchemaShape left, SchemaShape right)
    {
        var items = new List<DriftItem>();
        foreach (var name in left.Tables.Keys.Union(right.Tables.Keys).Order(StringComparer.Ordinal))
        {
            var inLeft = left.Tables.TryGetValue(name, out var l);
            var inRight = right.Tables.TryGetValue(name, out var r);
            if (!inLeft || !inRight)
            {
                items.Add(new DriftItem(name, "table", name, inLeft ? "present" : null, inRight ? "present" : null));
                continue;
            }

            Compare(items, name, "column", l!.Columns, r!.Columns);
            Compare(items, name, "index", l.Indexes, r.Indexes);
            Compare(items, name, "constraint", l.Constraints, r.Constraints);
        }

        return items;
    }

    private static void Compare(List<DriftItem> items, string table, string kind, SortedDictionary<string, string> left, SortedDictionary<string, string> right)
    {
        foreach (var name in left.Keys.Union(right.Keys).Order(StringComparer.Ordinal))
        {
            left.TryGetValue(name, out var l);
            right.TryGetValue(name, out var r);
            if (l != r)
            {
                items.Add(new DriftItem(table, kind, name, l, r));
            }
        }
    }
}
