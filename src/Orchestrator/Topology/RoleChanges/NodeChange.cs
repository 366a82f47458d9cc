namespace Orchestrator.Topology.RoleChanges;

/// <summary>What a role change did, or did not do, to one node.</summary>
public sealed record NodeChange(string Node, string Action, ChangeResult Result, string? Detail = null, TimeSpan? Elapsed = null);
