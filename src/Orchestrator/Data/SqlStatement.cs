namespace Orchestrator.Data;

/// <summary>One statement with its parameters, for batches.</summary>
internal sealed record SqlStatement(string Sql, IReadOnlyList<object?>? Parameters = null);
