namespace Orchestrator.Migrations.Running;

/// <summary>With --strict: applied migrations whose generated SQL differs from what was applied.</summary>
internal sealed class ChecksumMismatchException(string message) : Exception(message);
