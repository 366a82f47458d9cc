using FluentMigrator;

namespace Orchestrator.TestMigrations.FluentMigrator3;

[Migration(1, "Written for FluentMigrator 3")]
public sealed class OldMigration : Migration
{
    public override void Up() => Create.Table("old").WithColumn("id").AsInt32();

    public override void Down() => Delete.Table("old");
}
