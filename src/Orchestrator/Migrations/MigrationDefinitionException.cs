namespace Orchestrator.Migrations;

/// <summary>A migration is written in a way that cannot be run (bad input): nothing is applied.</summary>
internal sealed class MigrationDefinitionException(string message) : Exception(message);
