namespace Orchestrator.Environments;

/// <summary>The outcome of loading an environment file: the model, or every problem found.</summary>
internal sealed record EnvironmentLoadResult(EnvironmentDefinition? Environment, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Environment is not null && Diagnostics.Count == 0;
}
