using FluentMigrator;

namespace EmbeddedMigrate.Migrations;

/// <summary>A table of greetings, one of them seeded.</summary>
[Migration(1)]
public sealed class CreateGreetings : Migration
{
    public override void Up()
    {
        Create.Table("greetings")
            .WithColumn("id").AsInt32().PrimaryKey()
            .WithColumn("text").AsString(100).NotNullable();
        Insert.IntoTable("greetings").Row(new { id = 1, text = "hello" });
    }

    public override void Down() => Delete.Table("greetings");
}
