namespace Orchestrator.Drift;

/// <summary>One table's structure in canonical text: column, index and constraint definitions by name.</summary>
internal sealed class TableShape
{
    public SortedDictionary<string, string> Columns { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, string> Indexes { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, string> Constraints { get; } = new(StringComparer.Ordinal);
}
