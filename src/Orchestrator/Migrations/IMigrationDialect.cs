using Orchestrator.Migrations.Online;

namespace Orchestrator.Migrations;

/// <summary>
/// What the migration runner needs to know about one engine's SQL: writing it
/// (<see cref="IMigrationGeneration"/>), what the engine cannot take (<see cref="IMigrationChecks"/>), and how it changes a busy table without blocking its writers (<see cref="IOnlineForms"/>).
/// One implementation per engine folder.
/// </summary>
internal interface IMigrationDialect : IMigrationGeneration, IMigrationChecks, IOnlineForms
{
}
