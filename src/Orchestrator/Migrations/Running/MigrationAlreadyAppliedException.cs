namespace Orchestrator.Migrations.Running;

/// <summary>Another runner recorded the migration's version while this one waited to claim it; nothing was changed.</summary>
internal sealed class MigrationAlreadyAppliedException(ProjectMigration migration, Exception inner)
    : Exception($"migration {migration.Name} was applied by another runner meanwhile", inner)
{
    public ProjectMigration Migration => migration;
}
