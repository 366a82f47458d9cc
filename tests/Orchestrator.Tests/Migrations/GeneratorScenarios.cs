using System.Data;
using Orchestrator.Migrations;

namespace Orchestrator.Tests.Migrations;

/// <summary>The expressions every dialect must translate; each dialect's test class gives the exact SQL it expects.</summary>
internal static class GeneratorScenarios
{
    public static readonly IReadOnlyDictionary<string, Action<ScratchMigration>> All = new Dictionary<string, Action<ScratchMigration>>
    {
        ["create table with every type"] = m => m.Create.Table("all_types")
            .WithColumn("i16").AsInt16().WithColumn("i32").AsInt32().WithColumn("i64").AsInt64()
            .WithColumn("s").AsString().WithColumn("s50").AsString(50).WithColumn("fixed").AsFixedLengthString(3)
            .WithColumn("ansi").AsAnsiString(20).WithColumn("flag").AsBoolean().WithColumn("dec").AsDecimal(10, 2)
            .WithColumn("dbl").AsDouble().WithColumn("flt").AsFloat().WithColumn("d").AsDate().WithColumn("t").AsTime()
            .WithColumn("dt").AsDateTime().WithColumn("dt2").AsDateTime2().WithColumn("dto").AsDateTimeOffset()
            .WithColumn("g").AsGuid().WithColumn("bin").AsBinary(16).WithColumn("money").AsCurrency().WithColumn("x").AsXml()
            .WithColumn("j").AsJson().WithColumn("jb").AsJsonb().WithColumn("c").AsCustom("int4range"),
        ["create table with key, identity, defaults and nullability"] = m => m.Create.Table("users")
            .WithColumn("id").AsInt32().PrimaryKey().Identity()
            .WithColumn("name").AsString(100).NotNullable().WithDefaultValue("it's")
            .WithColumn("nickname").AsString(100).Nullable()
            .WithColumn("created_at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentDateTime)
            .WithColumn("created_utc").AsDateTime().WithDefault(SystemMethods.CurrentUTCDateTime)
            .WithColumn("uid").AsGuid().WithDefault(SystemMethods.NewGuid)
            .WithColumn("active").AsBoolean().WithDefaultValue(true),
        ["create table with unique, index, foreign key and descriptions"] = m => m.Create.Table("orders").WithDescription("Customer orders")
            .WithColumn("id").AsInt64().PrimaryKey("pk_orders")
            .WithColumn("code").AsString(20).NotNullable().Unique()
            .WithColumn("placed_on").AsDate().Indexed("ix_orders_placed")
            .WithColumn("user_id").AsInt32().NotNullable().ForeignKey("users", "id").OnDelete(Rule.Cascade)
            .WithColumn("note").AsString().WithColumnDescription("Free text"),
        ["create table in a schema"] = m => m.Create.Table("items").InSchema("shop").WithColumn("id").AsInt32().PrimaryKey(),
        ["create column"] = m => m.Create.Column("email").OnTable("users").AsString(200).NotNullable().WithDefaultValue(""),
        ["alter table adds and alters columns"] = m => m.Alter.Table("users")
            .AddColumn("age").AsInt16().Nullable()
            .AlterColumn("name").AsString(200).NotNullable(),
        ["alter column"] = m => m.Alter.Column("nickname").OnTable("users").InSchema("app").AsString(50).Nullable().WithDefaultValue("none"),
        ["delete table, columns, index, foreign key, unique constraint, schema and sequence"] = m =>
        {
            m.Delete.Table("old").InSchema("shop");
            m.Delete.Column("a").Column("b").FromTable("t");
            m.Delete.Index("ix_t_a").OnTable("t");
            m.Delete.ForeignKey("fk_t_u").OnTable("t");
            m.Delete.UniqueConstraint("uq_t_code").FromTable("t");
            m.Delete.Schema("shop");
            m.Delete.Sequence("seq").InSchema("shop");
        },
        ["create index over several columns"] = m => m.Create.Index("ix_orders_user_placed").OnTable("orders")
            .OnColumn("user_id").Ascending().OnColumn("placed_on").Descending().WithOptions().Unique(),
        ["create index with include, concurrently and a default name"] = m => m.Create.Index().OnTable("orders").OnColumn("code").Include("note").Concurrently(),
        ["create foreign key"] = m => m.Create.ForeignKey("fk_orders_users").FromTable("orders").InSchema("app").ForeignColumn("user_id")
            .ToTable("users").InSchema("auth").PrimaryColumn("id").OnDelete(Rule.SetNull).OnUpdate(Rule.Cascade),
        ["create unique constraint"] = m => m.Create.UniqueConstraint("uq_users_email_tenant").OnTable("users").Columns("email", "tenant"),
        ["create schema"] = m => m.Create.Schema("reporting"),
        ["create sequence"] = m => m.Create.Sequence("order_numbers").InSchema("shop").StartWith(1000).IncrementBy(5).MinValue(1).MaxValue(999999).Cache(20).Cycle(),
        ["rename table and column"] = m =>
        {
            m.Rename.Table("customers").To("clients");
            m.Rename.Column("fullname").OnTable("clients").To("full_name");
        },
        ["insert rows with every kind of value"] = m => m.Insert.IntoTable("settings").Row(new
        {
            key = "quote ' and backslash \\",
            enabled = true,
            ratio = 1.5m,
            count = 42L,
            missing = (string?)null,
            at = new DateTime(2024, 2, 29, 13, 45, 6, 789),
            id = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
            blob = new byte[] { 1, 2, 255 },
        }).Row(new Dictionary<string, object?> { ["key"] = "second" }),
        ["update rows"] = m =>
        {
            m.Update.Table("users").Set(new { active = false, nickname = "x" }).Where(new { id = 7, deleted_at = (string?)null });
            m.Update.Table("users").InSchema("app").Set(new { active = true }).AllRows();
        },
        ["delete rows"] = m =>
        {
            m.Delete.FromTable("users").Row(new { id = 1 }).Row(new { id = 2, name = "b" });
            m.Delete.FromTable("sessions").AllRows();
        },
        ["execute sql"] = m => m.Execute.Sql("SELECT 1"),
        ["if database"] = m =>
        {
            m.IfDatabase("postgres").Execute.Sql("SELECT 'postgres only'");
            m.IfDatabase("MariaDB").Execute.Sql("SELECT 'mariadb only'");
            m.IfDatabase("PostgreSQL", "MySql").Create.Schema("both");
        },
    };
}
