using Orchestrator.Environments;

namespace Orchestrator.Topology;

/// <summary>The observed state of a whole environment, one row per node of its file.</summary>
internal sealed record EnvironmentStatus(string Environment, EngineKind Engine, ProviderKind Provider, IReadOnlyList<NodeStatus> Nodes)
{
    /// <summary>Why pending migrations could not be counted (the migrations did not load); null when they were.</summary>
    public string? MigrationsProblem { get; init; }

    public NodeStatus Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>The nodes that answered as a primary: they accept writes.</summary>
    public IReadOnlyList<string> WritableNodes => Nodes.Where(n => n.Reachable && n.Role == ObservedRole.Primary).Select(n => n.Name).ToList();

    /// <summary>
    /// More than one node accepts writes (a fenced node promoted by hand, a replica detached and
    /// made writable): what one commits, the other never sees.
    /// </summary>
    public bool SplitBrain => WritableNodes.Count > 1;
}
