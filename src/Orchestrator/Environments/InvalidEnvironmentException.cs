namespace Orchestrator.Environments;

/// <summary>Thrown when an environment file has problems; the message lists each with its location.</summary>
internal sealed class InvalidEnvironmentException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
