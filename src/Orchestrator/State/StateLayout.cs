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
    /// Where the CA that issues the nodes' certificates is kept (<c>ca.crt</c>, <c>ca.key</c>):
    /// <c>STATE/tls</c>, except that the shards of an environment share one (an application then
    /// trusts one certificate) in <c>tls</c> beside their states, and a scratch node borrows the
    /// CA of the environment it stands in for.
    /// </summary>
    public string CaDir { get; private init; } = Path.Combine(Path.GetFullPath(root), "tls");

    /// <summary>Where the nodes' own certificates and keys are kept: always this state's <c>tls</c>.</summary>
    public string TlsDir => Path.Combine(Root, "tls");

    /// <summary>For a shard: the pattern that finds its fleet's shard states beside it (the folder, and a name pattern); null otherwise.</summary>
    private (string Folder, string Pattern)? _shardStates;

    /// <summary>
    /// The state directory: --state-dir when given (for a shard, its folder there), else
    /// $ORCHESTRATOR_STATE_DIR/NAME, else .orchestrator/NAME under the current directory (a shard's
    /// NAME is environment.shard).
    /// </summary>
    /// <exception cref="StateDirectoryConflictException">The directory holds another environment's nodes.</exception>
    /// <param name="borrowedCaDir">The CA folder of the environment a scratch node stands in for; null for the environment's own CA.</param>
    public static StateLayout For(EnvironmentDefinition environment, string? stateDir, string? borrowedCaDir = null)
    {
        string root;
        string? sharedCaDir = null;
        (string, string)? shardStates = null;
        if (stateDir is not null)
        {
            // The shards of an environment share its state directory, each in a folder of its own.
            root = environment.ShardName is { } shard ? Path.Combine(stateDir, shard) : stateDir;
            if (environment.ShardName is not null)
            {
                sharedCaDir = Path.Combine(stateDir, "tls");
                shardStates = (stateDir, "*");
            }
        }
        else
        {
            var parent = System.Environment.GetEnvironmentVariable("ORCHESTRATOR_STATE_DIR") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Directory.GetCurrentDirectory(), ".orchestrator");
            root = Path.Combine(parent, environment.Name);
            if (environment.ShardName is not null)
            {
                sharedCaDir = Path.Combine(parent, environment.FleetName, "tls");
                shardStates = (parent, environment.FleetName + ".*");
            }
        }

        var state = new StateLayout(root) { CaDir = Path.GetFullPath(borrowedCaDir ?? sharedCaDir ?? Path.Combine(root, "tls")), _shardStates = shardStates };
        StateOwner.Check(state, environment);
        return state;
    }

    /// <summary>
    /// After this shard's state was deleted: deletes the CA its fleet shares when no shard's state
    /// remains (and the folder that held it, when empty). True when it deleted the CA.
    /// </summary>
    public bool ForgetSharedCaIfUnused()
    {
        if (_shardStates is not { } states || !Directory.Exists(CaDir))
        {
            return false;
        }

        var remaining = Directory.Exists(states.Folder)
            && Directory.EnumerateDirectories(states.Folder, states.Pattern).Any(d => File.Exists(Path.Combine(d, "environment.json")));
        if (remaining)
        {
            return false;
        }

        try
        {
            Directory.Delete(CaDir, recursive: true);
            var holder = Path.GetDirectoryName(CaDir)!;
            if (holder != Path.GetFullPath(states.Folder) && !Directory.EnumerateFileSystemEntries(holder).Any())
            {
                Directory.Delete(holder);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Another shard's purge, running beside this one, deleted it first.
        }

        return true;
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
