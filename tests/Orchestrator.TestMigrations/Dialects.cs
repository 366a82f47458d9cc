using FluentMigrator;
using FluentMigrator.Postgres;

namespace Orchestrator.TestMigrations;

/// <summary>Text that needs utf8mb4 on MariaDB, in columns and in the version table's description.</summary>
[Migration(11001, "Messages 🚀 with emoji")]
[Tags("unicode")]
public sealed class CreateMessages : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("messages")
            .WithColumn("id").AsInt32().PrimaryKey()
            .WithColumn("short_text").AsString(20).NotNullable()
            .WithColumn("fixed_text").AsFixedLengthString(4).Nullable()
            .WithColumn("long_text").AsString(int.MaxValue).Nullable();
        Insert.IntoTable("messages").Row(new { id = 1, short_text = "launch 🚀", fixed_text = "🎉", long_text = "naïve café, 日本語, 🚀🚀🚀" });
    }
}

/// <summary>Names FluentMigrator's own PostgreSQL 15 processor does not match ("Postgres"), lower case, and one that matches nothing.</summary>
[Migration(12001, "IfDatabase names")]
[Tags("ifdatabase-names")]
public sealed class IfDatabaseNames : Migration
{
    public override void Up()
    {
        IfDatabase("Postgres").Create.Table("names_postgres").WithColumn("id").AsInt32();
        IfDatabase("postgresql").Create.Table("names_postgresql").WithColumn("id").AsInt32();
        IfDatabase("mariadb").Create.Table("names_mariadb").WithColumn("id").AsInt32();
        IfDatabase("Postgress").Create.Table("names_typo").WithColumn("id").AsInt32();
    }

    public override void Down()
    {
    }
}

/// <summary>PostgreSQL 10+ identity columns: GENERATED ALWAYS refuses explicit ids unless the insert overrides it.</summary>
[Migration(13001, "Identity columns")]
[Tags("postgres-identity")]
public sealed class IdentityColumns : Migration
{
    public override void Up()
    {
        Create.Table("ids_always").WithColumn("id").AsInt32().PrimaryKey().Identity().WithColumn("label").AsString(10).Nullable();
        Insert.IntoTable("ids_always").WithOverridingSystemValue().Row(new { id = 42, label = "explicit" });
        Create.Table("ids_by_default").WithColumn("id").AsInt32().PrimaryKey().Identity(PostgresGenerationType.ByDefault);
        Insert.IntoTable("ids_by_default").Row(new { id = 7 });
    }

    public override void Down()
    {
        Delete.Table("ids_by_default");
        Delete.Table("ids_always");
    }
}

[Migration(14001, "Seed with explicit ids")]
[Tags("explicit-ids")]
public sealed class SeedExplicitIds : Migration
{
    public override void Up()
    {
        Create.Table("seeded").WithColumn("id").AsInt32().PrimaryKey().Identity().WithColumn("label").AsString(10).Nullable();
        Insert.IntoTable("seeded").Row(new { id = 1, label = "first" });
    }

    public override void Down() => Delete.Table("seeded");
}
