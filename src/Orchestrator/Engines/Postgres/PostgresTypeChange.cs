using System.Text.RegularExpressions;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// Whether PostgreSQL rewrites a table to change a column from one type to another: not when the
/// type stays (as format_type writes it) or only widens in a way the server makes in the catalog
/// (varchar to a longer varchar or to text). Pure.
/// </summary>
internal static partial class PostgresTypeChange
{
    private static readonly (Regex From, string To)[] Aliases =
    [
        (Rx(@"^varchar\b"), "character varying"),
        (Rx(@"^char\b"), "character"),
        (Rx(@"^(int|int4|integer|serial|serial4)$"), "integer"),
        (Rx(@"^(int8|bigserial|serial8)$"), "bigint"),
        (Rx(@"^(int2|smallserial|serial2)$"), "smallint"),
        (Rx(@"^float8$"), "double precision"),
        (Rx(@"^float4$"), "real"),
        (Rx(@"^bool$"), "boolean"),
        (Rx(@"^decimal\b"), "numeric"),
        (Rx(@"^timestamptz$"), "timestamp with time zone"),
        (Rx(@"^timestamp(\(\d+\))?$"), "timestamp$1 without time zone"),
        (Rx(@"^timetz$"), "time with time zone"),
        (Rx(@"^time(\(\d+\))?$"), "time$1 without time zone"),
    ];

    /// <summary>The type a written ALTER ... TYPE statement sets the column to, or null when the statement sets none.</summary>
    public static string? Target(string statement, string column)
    {
        var match = TypeClause().Match(statement);
        return match.Success && match.Groups["column"].Value.Replace("\"\"", "\"", StringComparison.Ordinal) == column ? match.Groups["type"].Value.Trim() : null;
    }

    public static bool Rewrites(string current, string target)
    {
        var from = Normal(current);
        var to = Normal(target);
        if (from == to || to == "text" && from.StartsWith("character varying", StringComparison.Ordinal))
        {
            return false;
        }

        var widened = Length().Match(from) is { Success: true } f && Length().Match(to) is { Success: true } t && f.Groups[1].Value == t.Groups[1].Value
            && (t.Groups[2].Value.Length == 0 || (f.Groups[2].Value.Length > 0 && int.Parse(t.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= int.Parse(f.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        return !(widened && from.StartsWith("character varying", StringComparison.Ordinal));
    }

    private static string Normal(string type)
    {
        var text = Spaces().Replace(type.Trim().ToLowerInvariant().Replace("\"", "", StringComparison.Ordinal), " ").Replace(", ", ",", StringComparison.Ordinal).Replace(" (", "(", StringComparison.Ordinal);
        foreach (var (from, to) in Aliases)
        {
            if (from.IsMatch(text))
            {
                return from.Replace(text, to, 1);
            }
        }

        return text;
    }

    private static Regex Rx(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\bALTER\s+(COLUMN\s+)?""(?<column>(?:[^""]|"""")+)""\s+(SET\s+DATA\s+)?TYPE\s+(?<type>.+?)(?=\s*,\s*ALTER\s|\s*;?\s*$)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TypeClause();

    [GeneratedRegex(@"^(character varying|character)(?:\((\d+)\))?$")]
    private static partial Regex Length();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
