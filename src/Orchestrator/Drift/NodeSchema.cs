namespace Orchestrator.Drift;

/// <summary>One node's schema (or why it could not be read), named "environment/node".</summary>
internal sealed record NodeSchema(string Name, string? Fingerprint, SchemaShape? Shape, string? Error);
