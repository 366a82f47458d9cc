using System.Globalization;

namespace Orchestrator.Data;

/// <summary>One result row, by column name. Values are whatever the driver produced (text for MariaDB).</summary>
public sealed class DbRow(IReadOnlyDictionary<string, object?> values)
{
    public IReadOnlyDictionary<string, object?> Values => values;

    public object? this[string column] =>
        values.TryGetValue(column, out var value) ? value : throw new KeyNotFoundException($"no column '{column}' in the result");

    public string? GetString(string column) => this[column] switch
    {
        null or DBNull => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    public long? GetInt64(string column) => this[column] switch
    {
        null or DBNull => null,
        string s => long.Parse(s, CultureInfo.InvariantCulture),
        var other => Convert.ToInt64(other, CultureInfo.InvariantCulture),
    };

    public double? GetDouble(string column) => this[column] switch
    {
        null or DBNull => null,
        string s => double.Parse(s, CultureInfo.InvariantCulture),
        var other => Convert.ToDouble(other, CultureInfo.InvariantCulture),
    };

    public bool? GetBoolean(string column) => this[column] switch
    {
        null or DBNull => null,
        bool b => b,
        string s => s is "1" or "ON" or "on" or "true" or "t",
        var other => Convert.ToInt64(other, CultureInfo.InvariantCulture) != 0,
    };
}
