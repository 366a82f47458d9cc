namespace Orchestrator.Drift;

/// <summary>The differences between two nodes' schemas; empty when they match.</summary>
internal sealed record DriftComparison(string Left, string Right, IReadOnlyList<DriftItem> Differences);
