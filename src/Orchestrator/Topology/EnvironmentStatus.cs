using Orchestrator.Environments;

namespace Orchestrator.Topology;

/// <summary>The observed state of a whole environment, one row per node of its file.</summary>
public sealed record EnvironmentStatus(string Environment, EngineKind Engine, ProviderKind Provider, IReadOnlyList<NodeStatus> Nodes)
{
    /// <summary>Why pending migrations could not be counted (the migrations did not load); null when they were.</summary>
    public string? MigrationsProblem { get; init; }

    public NodeStatus Node(string name) => Nodes.Single(n => n.Name == name);
}
