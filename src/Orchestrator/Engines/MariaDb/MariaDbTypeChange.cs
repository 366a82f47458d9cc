using System.Text.RegularExpressions;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// Whether a MODIFY COLUMN changes the column's type, as information_schema's COLUMN_TYPE
/// writes it (integer display widths and spelling aside). MariaDB makes some such changes in
/// place (a varchar that keeps its length prefix); the copy is for the rest, and costs only time
/// where it was not needed. Pure.
/// </summary>
internal static partial class MariaDbTypeChange
{
    /// <summary>The type a written MODIFY COLUMN statement gives the column, or null when the statement is not one for it.</summary>
    public static string? Target(string statement, string column)
    {
        var match = ModifyClause().Match(statement);
        return match.Success && match.Groups["column"].Value.Replace("``", "`", StringComparison.Ordinal) == column ? match.Groups["type"].Value : null;
    }

    public static bool Changes(string current, string target) => Normal(current) != Normal(target);

    private static string Normal(string type)
    {
        var text = Spaces().Replace(type.Trim().ToLowerInvariant(), " ").Replace(", ", ",", StringComparison.Ordinal);
        text = IntegerWidth().Replace(text, "$1");
        return text switch
        {
            "integer" => "int",
            "bool" or "boolean" => "tinyint",
            "real" or "double precision" => "double",
            _ when text.StartsWith("numeric", StringComparison.Ordinal) => "decimal" + text["numeric".Length..],
            _ => DecimalScale().Replace(text, "decimal($1,0)"),
        };
    }

    [GeneratedRegex(@"\bMODIFY\s+(COLUMN\s+)?`(?<column>(?:[^`]|``)+)`\s+(?<type>[A-Za-z]+(\s*\([^)]*\))?(\s+UNSIGNED)?)", RegexOptions.IgnoreCase)]
    private static partial Regex ModifyClause();

    [GeneratedRegex(@"^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)")]
    private static partial Regex IntegerWidth();

    [GeneratedRegex(@"^decimal\((\d+)\)$")]
    private static partial Regex DecimalScale();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
