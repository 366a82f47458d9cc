namespace Orchestrator.Drift;

/// <summary>Every node's fingerprint and every comparison made. Drift is any difference, or a node that could not be read.</summary>
internal sealed record DriftReport(IReadOnlyList<NodeSchema> Nodes, IReadOnlyList<DriftComparison> Comparisons)
{
    public bool HasDrift => Comparisons.Any(c => c.Differences.Count > 0) || Nodes.Any(n => n.Error is not null);
}
