using Orchestrator.Migrations.Running;
using Orchestrator.Servers;
using Orchestrator.Environments;

namespace Orchestrator.Migrations;

/// <summary>What migrations need from an engine beyond <see cref="IEngine"/>; every engine implements it.</summary>
internal interface IMigrationEngine
{
    /// <summary>This engine's migration SQL: FluentMigrator's generator for it, statement splitting, catalog questions, lint.</summary>
    IMigrationDialect MigrationDialect { get; }

    /// <summary>The version tables, migration lock and transaction control of this engine, for one version table.</summary>
    IMigrationStore MigrationStore(VersionTable table);

    /// <summary>How this engine bounds a migration's lock waits and names who it waits for.</summary>
    ILockWaits LockWaits { get; }
}

/// <summary>Lets code holding an <see cref="IEngine"/> reach its migration side without knowing the engine.</summary>
internal static class MigrationEngineExtensions
{
    extension(IEngine engine)
    {
        public IMigrationDialect MigrationDialect => engine.Ability<IMigrationEngine>().MigrationDialect;

        public IMigrationStore MigrationStore(VersionTable table) => engine.Ability<IMigrationEngine>().MigrationStore(table);

        public ILockWaits LockWaits => engine.Ability<IMigrationEngine>().LockWaits;
    }
}
