namespace Orchestrator.Topology;

/// <summary>The result of <c>down</c>: what happened to each node, and whether its data was deleted.</summary>
internal sealed record DownOutcome(IReadOnlyList<NodeOutcome<NodeDownAction>> Nodes, bool Purged, string StateDirectory);
