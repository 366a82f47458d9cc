namespace Orchestrator.Drift;

/// <summary>
/// One difference between two schemas. <see cref="Kind"/> is table, column, index or constraint;
/// a null side means the item is missing there.
/// </summary>
internal sealed record DriftItem(string Table, string Kind, string Name, string? Left, string? Right);
