namespace Orchestrator.Environments;

/// <summary>Where the environment's migrations come from; paths are absolute after loading.</summary>
public sealed record MigrationsDefinition(string? Project, string? Assembly, IReadOnlyList<string> Tags);
