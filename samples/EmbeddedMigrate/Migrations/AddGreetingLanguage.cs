using FluentMigrator;

namespace EmbeddedMigrate.Migrations;

/// <summary>Each greeting's language, English for those there are.</summary>
[Migration(2)]
public sealed class AddGreetingLanguage : Migration
{
    public override void Up()
    {
        Alter.Table("greetings").AddColumn("language").AsString(8).NotNullable().WithDefaultValue("en");
        Insert.IntoTable("greetings").Row(new { id = 2, text = "bonjour", language = "fr" });
    }

    public override void Down() => Delete.Column("language").FromTable("greetings");
}
