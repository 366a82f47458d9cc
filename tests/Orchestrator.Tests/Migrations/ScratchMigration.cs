using Orchestrator.Migrations;
using Orchestrator.Migrations.Builders;
using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Tests.Migrations;

/// <summary>Exposes the expression roots so a test can describe expressions without a migration class per scenario.</summary>
internal sealed class ScratchMigration : Migration
{
    public new CreateRoot Create => base.Create;

    public new AlterRoot Alter => base.Alter;

    public new DeleteRoot Delete => base.Delete;

    public new RenameRoot Rename => base.Rename;

    public new InsertRoot Insert => base.Insert;

    public new UpdateRoot Update => base.Update;

    public new ExecuteRoot Execute => base.Execute;

    public new DatabaseRoots IfDatabase(params string[] databases) => base.IfDatabase(databases);

    public override void Up()
    {
    }

    public static IReadOnlyList<MigrationExpression> Describe(Action<ScratchMigration> body)
    {
        var migration = new ScratchMigration();
        return migration.Collect(() => body(migration), new MigrationSources(typeof(ScratchMigration).Assembly));
    }
}
