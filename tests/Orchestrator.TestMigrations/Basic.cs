using FluentMigrator;

namespace Orchestrator.TestMigrations;

[Migration(1001, "Create widgets")]
[Tags("basic")]
public sealed class CreateWidgets : AutoReversingMigration
{
    public override void Up() => Create.Table("widgets")
        .WithColumn("id").AsInt32().PrimaryKey().Identity()
        .WithColumn("name").AsString(50).NotNullable();
}

[Migration(1002, "Add a colour to widgets")]
[Tags("basic")]
public sealed class AddWidgetColor : Migration
{
    public override void Up() => Alter.Table("widgets").AddColumn("color").AsString(20).Nullable();

    public override void Down() => Delete.Column("color").FromTable("widgets");
}

[Migration(1003, "Seed widgets")]
[Tags("basic")]
public sealed class SeedWidgets : AutoReversingMigration
{
    public override void Up() => Insert.IntoTable("widgets")
        .Row(new { name = "sprocket", color = "red" })
        .Row(new { name = "gear", color = (string?)null });
}

[Migration(1004, "Index widget names")]
[Tags("basic")]
public sealed class IndexWidgetNames : AutoReversingMigration
{
    public override void Up() => Create.Index("ix_widgets_name").OnTable("widgets").OnColumn("name");
}
