namespace Orchestrator.Migrations.Online;

/// <summary>
/// The types of the database's columns when a run is planned, as the engine writes them, so an
/// online form can tell whether a column's type really changes (a copy) or stays (in place).
/// </summary>
internal sealed class ColumnTypes
{
    public static readonly ColumnTypes None = new([]);

    private readonly Dictionary<string, string> _types;

    public ColumnTypes(IEnumerable<(string Table, string Column, string Type)> columns)
    {
        _types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (table, column, type) in columns)
        {
            _types[Key(table, column)] = type;
        }
    }

    /// <summary>The column's type before the run, or null when the table or the column did not exist.</summary>
    public string? Of(string table, string column) => _types.GetValueOrDefault(Key(table, column));

    private static string Key(string table, string column) => $"{table}\0{column}";
}
