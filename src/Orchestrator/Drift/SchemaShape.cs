using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Drift;

/// <summary>A database's structure as its catalog reports it: tables, columns, types, nullability, defaults, indexes, constraints.</summary>
internal sealed class SchemaShape
{
    public SortedDictionary<string, TableShape> Tables { get; } = new(StringComparer.Ordinal);

    public TableShape Table(string name)
    {
        if (!Tables.TryGetValue(name, out var table))
        {
            table = new TableShape();
            Tables[name] = table;
        }

        return table;
    }

    /// <summary>A short structural fingerprint: equal shapes, equal fingerprints.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var (name, table) in Tables)
        {
            text.Append("table ").Append(name).Append('\n');
            Append(text, "column", table.Columns);
            Append(text, "index", table.Indexes);
            Append(text, "constraint", table.Constraints);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static void Append(StringBuilder text, string kind, SortedDictionary<string, string> items)
    {
        foreach (var (name, definition) in items)
        {
            text.Append(' ').Append(kind).Append(' ').Append(name).Append(' ').Append(definition).Append('\n');
        }
    }
}
