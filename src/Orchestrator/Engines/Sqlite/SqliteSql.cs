namespace Orchestrator.Engines.Sqlite;

/// <summary>SQLite's quoting of identifiers (values are always bound).</summary>
internal static class SqliteSql
{
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
