namespace Orchestrator.Environments;

/// <summary>One problem found in an environment file, with the place it was found.</summary>
internal sealed record Diagnostic(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: error: {Message}";
}
