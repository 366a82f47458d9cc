namespace Orchestrator.Migrations;

/// <summary>
/// What the migration runner needs to know about one engine's SQL: writing it
/// (<see cref="IMigrationGeneration"/>) and what the engine cannot take (<see cref="IMigrationChecks"/>).
/// One implementation per engine folder.
/// </summary>
internal interface IMigrationDialect : IMigrationGeneration, IMigrationChecks
{
}
