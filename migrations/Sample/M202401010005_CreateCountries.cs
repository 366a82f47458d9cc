using FluentMigrator;

namespace Sample;

[Migration(202401010005, "Create and seed the countries reference table")]
public sealed class M202401010005_CreateCountries : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("countries")
            .WithColumn("code").AsFixedLengthString(2).PrimaryKey()
            .WithColumn("name").AsString(100).NotNullable();
        Insert.IntoTable("countries")
            .Row(new { code = "DE", name = "Germany" })
            .Row(new { code = "FR", name = "France" })
            .Row(new { code = "CI", name = "Côte d'Ivoire" });
    }
}
