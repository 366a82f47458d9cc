using System.Globalization;

namespace Orchestrator;

/// <summary>A count with its noun in the right number for messages: "1 table", "2 tables", "0 tables".</summary>
internal static class Counted
{
    public static string Of(long count, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? noun : plural ?? noun + "s")}");
}
