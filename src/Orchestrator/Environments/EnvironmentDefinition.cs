namespace Orchestrator.Environments;

/// <summary>The desired shape of an environment, as loaded and validated from its YAML file.</summary>
public sealed record EnvironmentDefinition(
    string Name,
    EngineKind Engine,
    ProviderKind Provider,
    string Database,
    MigrationsDefinition? Migrations,
    Credential Admin,
    Credential Replicator,
    IReadOnlyList<Cidr> Allow,
    ReplicationSettings Replication,
    LocalSettings Local,
    IReadOnlyList<NodeDefinition> Nodes,
    string FilePath)
{
    /// <summary>The node backups are taken from unless a command names one (the file's <c>backup.node</c>).</summary>
    public string? BackupNode { get; init; }

    public NodeDefinition Primary => Nodes.Single(n => n.Role == NodeRole.Primary);

    public IEnumerable<NodeDefinition> Replicas => Nodes.Where(n => n.Role == NodeRole.Replica);

    public NodeDefinition Node(string name) =>
        Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new ArgumentException($"environment '{Name}' has no node named '{name}'", nameof(name));

    public IEnumerable<NodeDefinition> ReplicasOf(string source) => Replicas.Where(n => n.Source == source);

    /// <summary>
    /// Nodes grouped by distance from the primary: level 0 is the primary, level 1 its direct
    /// replicas, and so on. Nodes within a level depend only on earlier levels.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<NodeDefinition>> Levels()
    {
        var levels = new List<IReadOnlyList<NodeDefinition>> { new[] { Primary } };
        while (true)
        {
            var next = levels[^1].SelectMany(n => ReplicasOf(n.Name)).ToList();
            if (next.Count == 0)
            {
                return levels;
            }

            levels.Add(next);
        }
    }
}
