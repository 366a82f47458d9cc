namespace Orchestrator.Engines.Postgres;

/// <summary>PostgreSQL quoting for the few places where a value cannot be a parameter (utility statements, config files).</summary>
internal static class PostgresSql
{
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A value inside a libpq connection string (conninfo): single quotes, backslash escapes.</summary>
    public static string ConninfoValue(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>A field of a .pgpass line: ':' and '\' are escaped with a backslash.</summary>
    public static string PassfileField(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
}
