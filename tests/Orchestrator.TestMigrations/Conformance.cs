using System.Data;
using FluentMigrator;
using FluentMigrator.Runner.Constraints;

namespace Orchestrator.TestMigrations;

/// <summary>A MigrationAttribute subclass, as teams write to tie versions to tickets.</summary>
public sealed class TicketMigrationAttribute(long version, string ticket, string description) : MigrationAttribute(version, $"{ticket}: {description}");

/// <summary>
/// Everything an ordinary FluentMigrator assembly contains, tag "conformance": the integration
/// tests run it with this tool and with FluentMigrator's own runner and expect the same database.
/// It names databases only as both runners match them ("PostgreSQL", "MySql").
/// </summary>
[Migration(0, "Version zero")]
[Tags("conformance")]
public sealed class ConformanceStart : AutoReversingMigration
{
    public override void Up() => Create.Table("conf_start").WithColumn("id").AsInt32().Nullable();
}

[TicketMigration(10001, "OPS-1", "Accounts")]
[Tags("conformance")]
public sealed class CreateAccounts : AutoReversingMigration
{
    public override void Up() => Create.Table("conf_accounts")
        .WithColumn("id").AsInt64().PrimaryKey().Identity()
        .WithColumn("name").AsString(200).NotNullable()
        .WithColumn("tier").AsString(20).NotNullable().WithDefaultValue("bronze");
}

[Migration(10002, "A schema of its own")]
[Tags("conformance")]
public sealed class CreateLedgerSchema : AutoReversingMigration
{
    public override void Up()
    {
        Create.Schema("ledger");
        Create.Table("entries").InSchema("ledger")
            .WithColumn("id").AsInt32().PrimaryKey()
            .WithColumn("amount").AsDecimal(12, 2).NotNullable();
    }
}

[Migration(10003, "Seed accounts from scripts")]
[Tags("conformance")]
public sealed class SeedAccountsFromScripts : Migration
{
    public override void Up()
    {
        Execute.EmbeddedScript("conformance_seed.sql", new Dictionary<string, string> { ["first"] = "'ada'" });
        Execute.Script("Scripts/Files/conformance_view.sql");
    }

    public override void Down()
    {
        Execute.Sql("DROP VIEW conf_gold_accounts");
        Delete.FromTable("conf_accounts").AllRows();
    }
}

[Migration(10004, "Rows written by the migration's own code")]
[Tags("conformance")]
public sealed class WriteWithConnection : Migration
{
    public override void Up() => Execute.WithConnection(
        (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO conf_accounts (name, tier) VALUES (@name, 'code')";
            var name = command.CreateParameter();
            name.ParameterName = "name";
            name.Value = "written by code; in a transaction: " + (transaction is not null);
            command.Parameters.Add(name);
            command.ExecuteNonQuery();
        },
        "insert an account through the connection");

    public override void Down() => Delete.FromTable("conf_accounts").Row(new { tier = "code" });
}

[Migration(10005, "Notes, where accounts exist")]
[Tags("conformance")]
public sealed class ConditionalOnSchema : Migration
{
    public override void Up()
    {
        if (Schema.Table("conf_accounts").Exists() && Schema.Table("conf_accounts").Column("tier").Exists())
        {
            Create.Table("conf_account_notes").WithColumn("id").AsInt32().NotNullable();
        }

        if (Schema.Table("conf_missing").Exists())
        {
            Create.Table("conf_never").WithColumn("id").AsInt32();
        }
    }

    public override void Down() => Delete.Table("conf_account_notes");
}

[Migration(10006, "One table per database")]
[Tags("conformance")]
public sealed class PerDatabase : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Create.Table("conf_pg_only").WithColumn("id").AsInt32();
        IfDatabase("MySql", "MariaDB").Create.Table("conf_mariadb_only").WithColumn("id").AsInt32();
        IfDatabase(type => type.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) || type.StartsWith("MySql", StringComparison.OrdinalIgnoreCase))
            .Create.Table("conf_by_predicate").WithColumn("id").AsInt32();
    }

    public override void Down()
    {
        IfDatabase("PostgreSQL").Delete.Table("conf_pg_only");
        IfDatabase("MySql", "MariaDB").Delete.Table("conf_mariadb_only");
        Delete.Table("conf_by_predicate");
    }
}

[Migration(10007, TransactionBehavior.None, "Index accounts without blocking writes")]
[Tags("conformance")]
public sealed class IndexAccountsOnline : Migration
{
    public override void Up()
    {
        var postgres = IfDatabase("PostgreSQL").Create.Index("ix_conf_accounts_tier").OnTable("conf_accounts").OnColumn("tier").Ascending().WithOptions();
        FluentMigrator.Postgres.PostgresExtensions.Filter(
            FluentMigrator.Postgres.PostgresExtensions.Include(FluentMigrator.Postgres.PostgresExtensions.AsConcurrently(postgres), "name"),
            "tier <> 'bronze'");
        var mariadb = IfDatabase("MySql").Create.Index("ix_conf_accounts_tier").OnTable("conf_accounts").OnColumn("tier").Ascending().WithOptions();
        FluentMigrator.MySql.MySqlExtensions.UsingBTree(mariadb);
    }

    public override void Down() => Delete.Index("ix_conf_accounts_tier").OnTable("conf_accounts");
}

[Migration(10008, "Rename and extend the notes")]
[Tags("conformance")]
public sealed class RenameAndExtend : AutoReversingMigration
{
    public override void Up()
    {
        Rename.Table("conf_account_notes").To("conf_notes");
        Alter.Table("conf_notes").AddColumn("body").AsString().Nullable();
        Rename.Column("id").OnTable("conf_notes").To("note_id");
    }
}

[Migration(10009, "Promote silver accounts")]
[Tags("conformance")]
public sealed class PromoteSilver : ForwardOnlyMigration
{
    public override void Up() => Update.Table("conf_accounts").Set(new { tier = "gold" }).Where(new { tier = "silver" });
}

[Migration(10010, "Tagged for any of two tags")]
[Tags(TagBehavior.RequireAny, "conformance", "reporting")]
public sealed class AnyOfTwoTags : AutoReversingMigration
{
    public override void Up() => Create.Table("conf_any_tag").WithColumn("id").AsInt32();
}

/// <summary>FluentMigrator decides constraints on the versions the database had when the run began.</summary>
[Migration(10011, "Only once 10005 was applied before the run")]
[CurrentVersionMigrationConstraint(10005)]
[Tags("conformance")]
public sealed class ConstrainedByCurrentVersion : AutoReversingMigration
{
    public override void Up() => Create.Table("conf_constrained").WithColumn("id").AsInt32();
}

[Migration(10012, "A breaking change", BreakingChange = true)]
[Tags("conformance")]
public sealed class BreakingChangeMigration : Migration
{
    public override void Up() => Delete.Column("body").FromTable("conf_notes");

    public override void Down() => Alter.Table("conf_notes").AddColumn("body").AsString().Nullable();
}

[Migration(10013, "A custom expression executed through the processor")]
[Tags("conformance")]
public sealed class UsesCustomExpression : Migration
{
    public override void Up()
    {
        Create.Table("conf_audit").WithColumn("note").AsString(100).NotNullable();
        Execute.Audit("custom expression ran");
    }

    public override void Down() => Delete.Table("conf_audit");
}

[Migration(10014, "A function and a trigger")]
[Tags("conformance")]
public sealed class FunctionAndTrigger : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Execute.Sql(
            """
            CREATE FUNCTION conf_upper_name() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                NEW.name := upper(NEW.name); -- a semicolon inside the body
                RETURN NEW;
            END;
            $body$;
            CREATE TRIGGER conf_accounts_upper BEFORE INSERT ON conf_accounts FOR EACH ROW EXECUTE FUNCTION conf_upper_name();
            """);
        IfDatabase("MySql").Execute.Sql(
            """
            CREATE TRIGGER conf_accounts_upper BEFORE INSERT ON conf_accounts FOR EACH ROW
            BEGIN
                SET NEW.name = UPPER(NEW.name);
                SET NEW.tier = LOWER(NEW.tier);
            END
            """);
        Insert.IntoTable("conf_accounts").Row(new { name = "triggered", tier = "bronze" });
    }

    public override void Down()
    {
        Delete.FromTable("conf_accounts").Row(new { name = "TRIGGERED" });
        IfDatabase("PostgreSQL").Execute.Sql("DROP TRIGGER conf_accounts_upper ON conf_accounts; DROP FUNCTION conf_upper_name()");
        IfDatabase("MySql").Execute.Sql("DROP TRIGGER conf_accounts_upper");
    }
}

/// <summary>Each maintenance stage writes its name to a log table, so the tests can count the runs.</summary>
public abstract class StageLog(string stage) : Migration
{
    public override void Up()
    {
        Execute.Sql("CREATE TABLE IF NOT EXISTS conf_maintenance_log (stage varchar(20) NOT NULL)");
        Insert.IntoTable("conf_maintenance_log").Row(new { stage });
    }

    public override void Down()
    {
    }
}

[Maintenance(MigrationStage.BeforeAll)]
[Tags("conformance")]
public sealed class LogBeforeAll() : StageLog("BeforeAll");

[Maintenance(MigrationStage.BeforeEach)]
[Tags("conformance")]
public sealed class LogBeforeEach() : StageLog("BeforeEach");

[Maintenance(MigrationStage.AfterEach)]
[Tags("conformance")]
public sealed class LogAfterEach() : StageLog("AfterEach");

[Maintenance(MigrationStage.BeforeProfiles)]
[Tags("conformance")]
public sealed class LogBeforeProfiles() : StageLog("BeforeProfiles");

[Maintenance(MigrationStage.AfterAll, TransactionBehavior.None)]
[Tags("conformance")]
public sealed class LogAfterAll() : StageLog("AfterAll");

/// <summary>Runs with every migrate of an environment whose migrations.profile is "conformance-dev"; never recorded.</summary>
[Profile("conformance-dev")]
public sealed class DevelopmentAccounts : Migration
{
    public override void Up() => Insert.IntoTable("conf_accounts").Row(new { name = "dev", tier = "profile" });

    public override void Down()
    {
    }
}
