using FluentMigrator;
using Orchestrator.TestMigrations.Shared;

namespace Orchestrator.TestMigrations;

/// <summary>Derives from a class in another assembly: without that assembly its migrations cannot load.</summary>
[Migration(15001, "A table through a shared base class")]
[Tags("shared-base")]
public sealed class TableThroughSharedBase() : SingleTableMigration("shared_base");
