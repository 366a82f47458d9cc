using Orchestrator.Environments;

namespace Orchestrator.State;

/// <summary>
/// Where a local environment keeps its files:
/// <c>STATE/environment.json</c> (whose state this is), <c>STATE/secrets.json</c> (generated
/// passwords, 0600), <c>STATE/topology.json</c> (the live shape once roles moved) and, per node,
/// <c>STATE/NODE/data</c> (the data directory), <c>STATE/NODE/server.log</c>, and the node's
/// generated configuration. <c>STATE/NODE/initialized</c> marks a node whose setup completed.
/// </summary>
internal sealed class StateLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>
    /// The state directory: --state-dir when given (for a shard, its folder there), else
    /// $ORCHESTRATOR_STATE_DIR/NAME, else .orchestrator/NAME under the current directory (a shard's
    /// NAME is environment.shard).
    /// </summary>
    /// <exception cref="StateDirectoryConflictException">The directory holds another environment's nodes.</exception>
    public static StateLayout For(EnvironmentDefinition environment, string? stateDir)
    {
        string root;
        if (stateDir is not null)
        {
            // The shards of an environment share its state directory, each in a folder of its own.
            root = environment.ShardName is { } shard ? Path.Combine(stateDir, shard) : stateDir;
        }
        else
        {
            var parent = System.Environment.GetEnvironmentVariable("ORCHESTRATOR_STATE_DIR") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Directory.GetCurrentDirectory(), ".orchestrator");
            root = Path.Combine(parent, environment.Name);
        }

        var state = new StateLayout(root);
        StateOwner.Check(state, environment);
        return state;
    }

    public string OwnerFile => Path.Combine(Root, "environment.json");

    public string SecretsFile => Path.Combine(Root, "secrets.json");

    /// <summary>The live shape after a switchover, failover or rejoin (see <see cref="LiveShape"/>).</summary>
    public string TopologyFile => Path.Combine(Root, "topology.json");

    public string NodeDir(NodeDefinition node) => Path.Combine(Root, node.Name);

    public string DataDir(NodeDefinition node) => Path.Combine(NodeDir(node), "data");

    public string LogFile(NodeDefinition node) => Path.Combine(NodeDir(node), "server.log");

    public string InitializedMarker(NodeDefinition node) => Path.Combine(NodeDir(node), "initialized");

    public bool IsInitialized(NodeDefinition node) => File.Exists(InitializedMarker(node)) && Directory.Exists(DataDir(node));

    public void MarkInitialized(NodeDefinition node) =>
        File.WriteAllText(InitializedMarker(node), $"initialised {DateTimeOffset.UtcNow:O}\n");
}
