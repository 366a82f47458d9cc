namespace Orchestrator.Embedding;

/// <summary>A migration a run applied on the primary.</summary>
/// <param name="Version">Its <c>[Migration]</c> version.</param>
/// <param name="Name">Its class name.</param>
/// <param name="Elapsed">How long it took on the primary.</param>
public sealed record AppliedVersion(long Version, string Name, TimeSpan Elapsed);
