namespace Orchestrator.Environments;

/// <summary>A node as the environment file wants it to be (desired state).</summary>
internal sealed record NodeDefinition(
    string Name,
    NodeRole Role,
    string Host,
    int Port,
    string? Source,
    bool Sync,
    SourceLocation Location)
{
    /// <summary>host:port; for a database file, its path.</summary>
    public string Endpoint => File?.Path ?? $"{Host}:{Port}";

    /// <summary>
    /// The database file this node is, in an environment of a file engine (SQLite, whose one node
    /// stands for its <see cref="EnvironmentDefinition.DatabaseFile"/>); then there is no server,
    /// and <see cref="Host"/> and <see cref="Port"/> address nothing. Null for a server.
    /// </summary>
    public DatabaseFile? File { get; init; }

    /// <summary>How connections to this node use TLS (the environment's <c>tls</c>).</summary>
    public TlsMode Tls { get; init; }

    /// <summary>
    /// Stopped for good by a failover until rejoined or rebuilt (recorded in the live shape): its
    /// own files make any start come up unable to take writes.
    /// </summary>
    public bool Fenced { get; init; }

    /// <summary>The Docker image the node's container runs (provider docker); null otherwise.</summary>
    public string? Image { get; init; }
}
