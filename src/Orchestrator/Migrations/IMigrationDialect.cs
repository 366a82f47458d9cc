namespace Orchestrator.Migrations;

/// <summary>
/// What the migration runner needs to know about one engine's SQL: writing it
/// (<see cref="IMigrationGeneration"/>) and what the engine cannot take (<see cref="IMigrationChecks"/>).
/// One implementation per engine folder.
/// </summary>
public interface IMigrationDialect : IMigrationGeneration, IMigrationChecks
{
}
