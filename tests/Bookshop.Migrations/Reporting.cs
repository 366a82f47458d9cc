using FluentMigrator;

namespace Bookshop.Migrations;

[Migration(2024_04_01_0001, "Inventory view")]
public sealed class CreateInventoryView : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Execute.EmbeddedScript("inventory_view.postgres.sql");
        IfDatabase("MySql").Execute.EmbeddedScript("inventory_view.mariadb.sql");
    }

    public override void Down()
    {
        IfDatabase("PostgreSQL").Execute.Sql("DROP VIEW catalog.inventory");
        IfDatabase("MySql").Execute.Sql("DROP VIEW inventory");
    }
}

[Migration(2024_04_02_0001, "Daily sales summary")]
[Tags("reporting")]
public sealed class CreateDailySales : AutoReversingMigration
{
    public override void Up() => Create.Table("daily_sales").InSchema("sales")
        .WithColumn("day").AsDate().PrimaryKey()
        .WithColumn("orders").AsInt32().NotNullable()
        .WithColumn("revenue").AsDecimal(14, 2).NotNullable();
}

[Migration(2024_05_01_0001, "Demo authors and books")]
[Tags("demo")]
public sealed class SeedDemoCatalog : Migration
{
    public override void Up()
    {
        Insert.IntoTable("authors").InSchema("catalog")
            .Row(new { name = "Ursula K. Le Guin" })
            .Row(new { name = "Mary Beard" });
        IfDatabase("PostgreSQL").Execute.EmbeddedScript("demo_books.sql", Tables.Qualified);
        IfDatabase("MySql").Execute.EmbeddedScript("demo_books.sql", Tables.Plain);
    }

    public override void Down()
    {
        Delete.FromTable("books").InSchema("catalog").AllRows();
        Delete.FromTable("authors").InSchema("catalog").AllRows();
    }
}

[Migration(2024_05_01_0002, "Demo customers")]
[Tags("demo")]
public sealed class SeedDemoCustomers : AutoReversingMigration
{
    public override void Up() => Insert.IntoTable("customers").InSchema("sales")
        .Row(new { email = "ada@example.com", name = "Ada Lovelace" })
        .Row(new { email = "alan@example.com", name = "Alan Turing", loyalty_tier = "gold" });
}

[Migration(2024_05_01_0003, "A demo order, totalled by the trigger")]
[Tags("demo")]
public sealed class SeedDemoOrder : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Execute.EmbeddedScript("demo_order.postgres.sql");
        IfDatabase("MySql").Execute.EmbeddedScript("demo_order.mariadb.sql");
    }

    public override void Down()
    {
        Delete.FromTable("order_lines").InSchema("sales").AllRows();
        Delete.FromTable("orders").InSchema("sales").AllRows();
    }
}

/// <summary>Table names for the scripts' $(...) tokens: MariaDB has no schemas inside a database.</summary>
internal static class Tables
{
    private static readonly string[] Catalog = ["books", "authors"];

    public static Dictionary<string, string> Qualified =>
        Catalog.ToDictionary(t => t, t => $"catalog.{t}");

    public static Dictionary<string, string> Plain => Catalog.ToDictionary(t => t, t => t);
}
