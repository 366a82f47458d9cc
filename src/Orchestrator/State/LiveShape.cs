using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Environments;

namespace Orchestrator.State;

/// <summary>
/// How the tool last arranged a local environment's nodes, when a switchover, failover or
/// rejoin moved them away from the file's shape (STATE/topology.json). It only decides the
/// configuration the local provider writes when it starts a node (who a replica streams from,
/// whether a node may accept writes), so that a restart keeps the arrangement the servers are
/// in. Who is primary is still read from the servers; the file keeps the intended shape.
/// </summary>
internal sealed record LiveShape(IReadOnlyDictionary<string, LiveNode> Nodes, string Reason, DateTimeOffset Changed)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The recorded shape, or null when the nodes are as the file describes them.</summary>
    public static LiveShape? Load(StateLayout state)
    {
        if (!File.Exists(state.TopologyFile))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LiveShape>(File.ReadAllText(state.TopologyFile), Json)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new LocalProviderException($"{state.TopologyFile} is damaged ({e.Message}); the servers still know their roles: check 'status', then delete the file to go back to the shape of the environment file");
        }
    }

    /// <summary>The shape <paramref name="environment"/> has now: its file's nodes with their recorded roles and sources.</summary>
    public static LiveShape Of(EnvironmentDefinition environment, StateLayout state) => Load(state) ?? FromFile(environment);

    /// <summary>The shape the environment file describes, nothing fenced.</summary>
    public static LiveShape FromFile(EnvironmentDefinition environment) =>
        new(
            environment.Nodes.ToDictionary(n => n.Name, n => new LiveNode(n.Role, n.Source, Fenced: false)),
            "as the environment file describes it",
            DateTimeOffset.UtcNow);

    public void Save(StateLayout state)
    {
        var temporary = state.TopologyFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, state.TopologyFile, overwrite: true);
    }

    public static void Forget(StateLayout state) => File.Delete(state.TopologyFile);

    [JsonIgnore]
    public string Primary => Nodes.Single(n => n.Value.Role == NodeRole.Primary).Key;

    /// <summary>
    /// The environment with each node's role and source as recorded here. Nodes the record does
    /// not know (added to the file since) keep the file's definition.
    /// </summary>
    public EnvironmentDefinition Apply(EnvironmentDefinition environment)
    {
        var nodes = environment.Nodes
            .Select(n => Nodes.TryGetValue(n.Name, out var live) ? n with { Role = live.Role, Source = live.Source, Fenced = live.Fenced } : n)
            .ToList();
        var primaries = nodes.Where(n => n.Role == NodeRole.Primary).Select(n => n.Name).ToList();
        var orphans = nodes.Where(n => n.Source is not null && !nodes.Any(s => s.Name == n.Source)).Select(n => n.Name).ToList();
        if (primaries.Count != 1 || orphans.Count > 0)
        {
            throw new LocalProviderException(
                $"the environment file and the recorded live shape ({Reason}) cannot be combined: primaries {string.Join(", ", primaries)}" +
                (orphans.Count > 0 ? $"; no source for {string.Join(", ", orphans)}" : "") +
                ". Edit the file to the live shape (see 'status'), or bring the servers back to the file's shape.");
        }

        return environment with { Nodes = HandOverSynchronousDuty(environment.Primary.Name, nodes) };
    }

    /// <summary>
    /// A synchronous replica of the file that became the primary passes its duty to the file's
    /// primary once that one follows it directly and is not fenced: commits keep waiting for a
    /// second copy, so that a failover of the new primary loses nothing either. While the old
    /// primary is fenced (until its rejoin) there is no such copy to wait for.
    /// </summary>
    private static List<NodeDefinition> HandOverSynchronousDuty(string filePrimary, List<NodeDefinition> nodes)
    {
        var primary = nodes.Single(n => n.Role == NodeRole.Primary);
        if (!primary.Sync)
        {
            return nodes;
        }

        return nodes
            .Select(n => n.Name == primary.Name ? n with { Sync = false }
                : n.Name == filePrimary && n.Source == primary.Name && !n.Fenced ? n with { Sync = true }
                : n)
            .ToList();
    }

    /// <summary>
    /// Set while a switchover's write-refused window is open: the primary it is taking writes
    /// from. A switchover killed in that window leaves its target recorded as primary while it
    /// answers as a replica; a failover then knows which node was the primary to fence.
    /// </summary>
    public string? HandoverFrom { get; init; }

    /// <summary>Nodes stopped by a failover that must not run again until rejoined or rebuilt.</summary>
    [JsonIgnore]
    public IEnumerable<string> FencedNodes => Nodes.Where(n => n.Value.Fenced).Select(n => n.Key);

    public LiveShape With(string node, LiveNode live, string reason) =>
        new(new Dictionary<string, LiveNode>(Nodes) { [node] = live }, reason, DateTimeOffset.UtcNow);

    /// <summary>True when every node has the file's role and source, none is fenced and no handover is under way.</summary>
    public bool MatchesFile(EnvironmentDefinition file) =>
        HandoverFrom is null && file.Nodes.All(n => Nodes.TryGetValue(n.Name, out var live) && live.Role == n.Role && live.Source == n.Source && !live.Fenced);
}
