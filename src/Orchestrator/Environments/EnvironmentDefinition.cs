namespace Orchestrator.Environments;

/// <summary>The desired shape of an environment, as loaded and validated from its YAML file.</summary>
internal sealed record EnvironmentDefinition(
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
    /// <summary>
    /// The database file of an environment of a file engine (SQLite), whose one node is that file;
    /// null for an environment of servers.
    /// </summary>
    public DatabaseFile? DatabaseFile { get; init; }

    /// <summary>
    /// The tool creates, starts and stops this environment's servers, and keeps their state
    /// (generated passwords, live shape) in a state directory: a local or docker environment of a
    /// server engine. A database file is on this machine (provider local) but has no servers.
    /// </summary>
    public bool RunsServers => DatabaseFile is null && Provider.StartsServers();

    /// <summary>The node backups are taken from unless a command names one (the file's <c>backup.node</c>).</summary>
    public string? BackupNode { get; init; }

    /// <summary>Continuous archiving of the write-ahead log (the file's <c>backup.archive</c>); null when off.</summary>
    public ArchiveSettings? Archive { get; init; }

    /// <summary>
    /// An archive folder this environment's servers replay from but never archive into: a scratch
    /// node restoring to a point in time from another environment's archive (its container mounts
    /// the folder read-only). Never read from a file.
    /// </summary>
    public string? ReplaysArchive { get; init; }

    /// <summary>How connections to the servers use TLS (the file's <c>tls</c>; each node carries it too).</summary>
    public TlsMode Tls { get; init; }

    /// <summary>The CA file (PEM) an external environment's certificates are checked against (the file's <c>tls_ca</c>); null for the system's authorities.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>
    /// The shards of a sharded environment (then <see cref="Nodes"/> is empty: each shard has its
    /// own, see <see cref="Shard"/>); empty otherwise.
    /// </summary>
    public IReadOnlyList<ShardDefinition> Shards { get; init; } = [];

    public bool IsSharded => Shards.Count > 0;

    /// <summary>
    /// In the servers' view of an environment (see <see cref="INodeHost.ServerView"/>):
    /// where the tool's own connections arrive from when that is no node's address (a docker
    /// network's gateway), which its physical backups replicate from. Empty in a file.
    /// </summary>
    public IReadOnlyList<Cidr> ToolAddresses { get; init; } = [];

    /// <summary>For the environment of one shard: the shard's name; null otherwise.</summary>
    public string? ShardName { get; init; }

    /// <summary>The name of the environment in its file: a shard's without the ".shard" ending.</summary>
    public string FleetName => ShardName is null ? Name : Name[..^(ShardName.Length + 1)];

    /// <summary>
    /// One shard as an environment of its own, which every single-environment operation takes:
    /// named "environment.shard" (so its default state directory is its own), with the shard's
    /// database and nodes.
    /// </summary>
    public EnvironmentDefinition Shard(string name)
    {
        var shard = Shards.FirstOrDefault(s => s.Name == name)
            ?? throw new ArgumentException($"environment '{Name}' has no shard named '{name}'", nameof(name));
        // Each shard's logs go into a folder of their own: the shards' histories (timelines, GTIDs, log names) are unrelated.
        return this with
        {
            Name = $"{Name}.{shard.Name}", Database = shard.Database, Nodes = shard.Nodes, Shards = [], ShardName = shard.Name,
            Archive = Archive is { } archive ? archive with { Directory = Path.Combine(archive.Directory, shard.Name) } : null,
        };
    }

    public NodeDefinition Primary => Nodes.Single(n => n.Role == NodeRole.Primary);

    public IEnumerable<NodeDefinition> Replicas => Nodes.Where(n => n.Role == NodeRole.Replica);

    public NodeDefinition Node(string name) =>
        Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new ArgumentException($"environment '{Name}' has no node named '{name}'", nameof(name));

    public IEnumerable<NodeDefinition> ReplicasOf(string source) => Replicas.Where(n => n.Source == source);

    /// <summary>The name of the node reached at <paramref name="host"/>:<paramref name="port"/> (localhost and 127.0.0.1 are one host), else that address.</summary>
    public string NameAt(string host, int? port) =>
        Nodes.FirstOrDefault(n => n.Port == port && (n.Host == host || (IsLocalhost(n.Host) && IsLocalhost(host))))?.Name ?? $"{host}:{port}";

    private static bool IsLocalhost(string host) => host is "localhost" or "127.0.0.1";

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
