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
    /// <summary>host:port; for a database file (port 0), its path.</summary>
    public string Endpoint => Port == 0 ? Host : $"{Host}:{Port}";

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
