namespace Orchestrator.Migrations.Running;

/// <summary>A migration failed while running; the message says which statement, what stayed applied, and what to do.</summary>
internal sealed class MigrationFailedException(string message, Exception inner) : Exception(message, inner);
