using System.Data;
using FluentMigrator;

namespace Orchestrator.TestMigrations;

/// <summary>
/// Tag "sqlite": what a development database typically goes through, within what SQLite can do;
/// the SQLite tests run it with this tool and with FluentMigrator's own runner and expect the same file.
/// </summary>
[Migration(16001, "Shops and their products")]
[Tags("sqlite")]
public sealed class SqliteShops : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("shops")
            .WithColumn("id").AsInt32().PrimaryKey().Identity()
            .WithColumn("name").AsString(100).NotNullable().Unique("ux_shops_name")
            .WithColumn("opened_on").AsDateTime().Nullable();
        Create.Table("products")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("shop_id").AsInt32().NotNullable().ForeignKey("fk_products_shops", "shops", "id").OnDelete(Rule.Cascade)
            .WithColumn("price").AsDecimal(10, 2).NotNullable()
            .WithColumn("active").AsBoolean().NotNullable().WithDefaultValue(true);
        Create.Index("ix_products_shop").OnTable("products").OnColumn("shop_id").Ascending().OnColumn("price").Descending();
    }
}

[Migration(16002, "Seed shops, then price products with the connection")]
[Tags("sqlite")]
public sealed class SqliteSeed : Migration
{
    public override void Up()
    {
        Insert.IntoTable("shops").Row(new { name = "Corner" }).Row(new { name = "Ünïcødé ✓ 🚀" });
        Execute.Sql("INSERT INTO products (shop_id, price) SELECT id, 9.99 FROM shops");
        Execute.WithConnection((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE products SET price = price * 2";
            command.ExecuteNonQuery();
        });
    }

    public override void Down()
    {
        Delete.FromTable("products").AllRows();
        Delete.FromTable("shops").AllRows();
    }
}

[Migration(16003, "Rename and drop columns")]
[Tags("sqlite")]
public sealed class SqliteReshape : Migration
{
    public override void Up()
    {
        Rename.Column("opened_on").OnTable("shops").To("opened_at");
        Alter.Table("shops").AddColumn("notes").AsString().Nullable();
        Delete.Column("notes").FromTable("shops");
    }

    public override void Down() => Rename.Column("opened_at").OnTable("shops").To("opened_on");
}

/// <summary>Tag "sqlite-limits": altering a column, which SQLite cannot do; refused before anything runs.</summary>
[Migration(16101, "Widen a column")]
[Tags("sqlite-limits")]
public sealed class SqliteWidenColumn : Migration
{
    public override void Up()
    {
        Create.Table("widen").WithColumn("code").AsString(2).NotNullable();
        Alter.Column("code").OnTable("widen").AsString(10).NotNullable();
    }

    public override void Down() => Delete.Table("widen");
}

/// <summary>Tag "sqlite-pk-column": adding a primary-key column, for which FluentMigrator writes SQL that SQLite refuses.</summary>
[Migration(16102, "Add a key column")]
[Tags("sqlite-pk-column")]
public sealed class SqliteAddKeyColumn : Migration
{
    public override void Up()
    {
        Create.Table("keyless").WithColumn("name").AsString(20).NotNullable();
        Alter.Table("keyless").AddColumn("id").AsInt32().PrimaryKey();
    }

    public override void Down() => Delete.Table("keyless");
}

/// <summary>Tag "engine-specific": a column only PostgreSQL gets, which drift across engines must report.</summary>
[Migration(16201, "Gadgets, weighed on PostgreSQL only")]
[Tags("engine-specific")]
public sealed class EngineSpecificGadgets : Migration
{
    public override void Up()
    {
        Create.Table("gadgets").WithColumn("id").AsInt32().PrimaryKey().WithColumn("name").AsString(50).NotNullable();
        IfDatabase("Postgres").Alter.Table("gadgets").AddColumn("weight").AsInt32().Nullable();
    }

    public override void Down() => Delete.Table("gadgets");
}

/// <summary>Runs with every migrate and rollback of an environment whose migrations.profile is "sqlite-dev": it needs 16003's column.</summary>
[Profile("sqlite-dev")]
public sealed class SqliteDevelopmentShop : Migration
{
    public override void Up() => Execute.Sql("INSERT OR IGNORE INTO shops (name, opened_at) VALUES ('development shop', '2026-01-01')");

    public override void Down()
    {
    }
}
