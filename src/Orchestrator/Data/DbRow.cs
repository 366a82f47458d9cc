using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Orchestrator.Data;

/// <summary>One result row, by column name. Values are whatever the driver produced.</summary>
internal sealed class DbRow(IReadOnlyDictionary<string, object?> values)
{
    /// <summary>Every row of the reader's current result; SQL NULL becomes null.</summary>
    public static async Task<IReadOnlyList<DbRow>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<DbRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new Dictionary<string, object?>(reader.FieldCount);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values[reader.GetName(i)] = await reader.IsDBNullAsync(i, cancellationToken) ? null : reader.GetValue(i);
            }

            rows.Add(new DbRow(values));
        }

        return rows;
    }

    public IReadOnlyDictionary<string, object?> Values => values;

    public object? this[string column] =>
        values.TryGetValue(column, out var value) ? value : throw new KeyNotFoundException($"no column '{column}' in the result");

    public string? GetString(string column) => this[column] switch
    {
        null or DBNull => null,
        string s => s,

        // MariaDB reports some text (SHOW output, binary-collated expressions) as bytes.
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    public long? GetInt64(string column) => this[column] switch
    {
        null or DBNull => null,
        string s => long.Parse(s, CultureInfo.InvariantCulture),
        var other => Convert.ToInt64(other, CultureInfo.InvariantCulture),
    };

    public DateTime? GetDateTime(string column) => this[column] switch
    {
        null or DBNull => null,
        DateTime d => d,
        string s => DateTime.Parse(s, CultureInfo.InvariantCulture),
        var other => Convert.ToDateTime(other, CultureInfo.InvariantCulture),
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
