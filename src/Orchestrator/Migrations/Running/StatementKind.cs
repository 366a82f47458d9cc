namespace Orchestrator.Migrations.Running;

/// <summary>Tells data changes from schema changes, which on MariaDB commit implicitly.</summary>
internal static class StatementKind
{
    private static readonly string[] DataVerbs = ["INSERT", "UPDATE", "DELETE", "REPLACE"];

    public static bool IsDataChange(string statement) =>
        DataVerbs.Any(verb => statement.TrimStart().StartsWith(verb, StringComparison.OrdinalIgnoreCase));
}
