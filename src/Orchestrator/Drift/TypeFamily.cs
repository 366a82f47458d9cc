namespace Orchestrator.Drift;

/// <summary>
/// The family of a column type as any engine declares it (pure): integer, text, decimal, time,
/// binary, boolean or json; anything else keeps its base name.
/// </summary>
internal static class TypeFamily
{
    public const string Integer = "integer";
    public const string Text = "text";
    public const string Decimal = "decimal";
    public const string Time = "time";
    public const string Binary = "binary";
    public const string Boolean = "boolean";
    public const string Json = "json";

    public static string Of(string declaredType)
    {
        var type = declaredType.Trim().ToLowerInvariant();
        if (type.Length == 0)
        {
            return "any";
        }

        if (type is "boolean" or "bool" or "bit" or "bit(1)" || type.StartsWith("tinyint(1)", StringComparison.Ordinal))
        {
            return Boolean;
        }

        var name = type.Split('(', ' ')[0];
        return name switch
        {
            "json" or "jsonb" => Json,
            "integer" or "int" or "int2" or "int4" or "int8" or "bigint" or "smallint" or "tinyint" or "mediumint" or "serial" or "bigserial" or "smallserial" => Integer,
            _ when name.Contains("char", StringComparison.Ordinal) || name.Contains("text", StringComparison.Ordinal) || name.Contains("clob", StringComparison.Ordinal)
                || name is "uuid" or "uniqueidentifier" or "enum" or "set" or "name" or "string" => Text,
            "numeric" or "decimal" or "real" or "double" or "float" or "money" or "number" => Decimal,
            _ when name.StartsWith("date", StringComparison.Ordinal) || name.StartsWith("time", StringComparison.Ordinal) || name is "interval" or "year" => Time,
            _ when name.Contains("blob", StringComparison.Ordinal) || name.Contains("binary", StringComparison.Ordinal) || name == "bytea" => Binary,
            _ => name,
        };
    }
}
