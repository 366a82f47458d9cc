namespace Orchestrator.Environments.Internal;

/// <summary>A node as read from YAML, before cross-node rules; keeps each field's position.</summary>
internal sealed record NodeDraft(
    string? Name,
    SourceLocation NameAt,
    NodeRole? Role,
    SourceLocation RoleAt,
    string Host,
    SourceLocation HostAt,
    int? Port,
    SourceLocation PortAt,
    string? Source,
    SourceLocation SourceAt,
    bool Sync,
    SourceLocation SyncAt,
    SourceLocation At)
{
    /// <summary>The node's own <c>image</c> (provider docker), or null.</summary>
    public string? Image { get; init; }
}
