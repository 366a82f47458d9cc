using System.Data;
using FluentMigrator.Expressions;
using FluentMigrator.Model;
using Npgsql;
using Orchestrator.Engines.Postgres;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Tests.Migrations;

/// <summary>PostgreSQL's online forms, written by FluentMigrator's generator and rewritten without a database.</summary>
public sealed class OnlineRewriteTests
{
    private static readonly MigrationSyntax Postgres = MigrationSyntax.For(new PostgresMigrationDialect(), MigrationDialect.Default, new NpgsqlConnection());

    [Fact]
    public void An_index_on_an_existing_table_is_built_concurrently_after_the_transaction_and_the_checksum_is_the_written_one()
    {
        var written = Translate(Postgres, Index("orders", "ix_orders_status", unique: false));

        var online = Online(written);

        Assert.Empty(online.Steps);
        var build = Assert.Single(online.After);
        Assert.StartsWith("CREATE INDEX CONCURRENTLY \"ix_orders_status\" ON ", build.Sql, StringComparison.Ordinal);
        Assert.Equal("DROP INDEX CONCURRENTLY IF EXISTS \"ix_orders_status\"", build.ClearLeftover);
        Assert.Equal(written.Checksum, online.Checksum);
        Assert.True(Assert.Single(online.OnlineChanges).Applied);
    }

    [Fact]
    public void A_foreign_key_is_added_not_valid_and_validated_after_the_transaction()
    {
        var online = Online(Translate(Postgres, new CreateForeignKeyExpression
        {
            ForeignKey = new ForeignKeyDefinition
            {
                Name = "fk_orders_customer", ForeignTable = "orders", ForeignColumns = ["customer_id"], PrimaryTable = "customers", PrimaryColumns = ["id"],
            },
        }));

        var add = Assert.IsType<SqlStep>(Assert.Single(online.Steps));
        Assert.EndsWith("REFERENCES \"public\".\"customers\" (\"id\") NOT VALID", add.Sql, StringComparison.Ordinal);
        Assert.Equal("ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"fk_orders_customer\"", Assert.Single(online.After).Sql);
    }

    [Fact]
    public void Set_not_null_goes_through_a_validated_check_and_keeps_the_type_change_in_the_transaction()
    {
        var online = Online(Translate(Postgres, new AlterColumnExpression
        {
            TableName = "orders", Column = new ColumnDefinition { Name = "status", Type = DbType.String, Size = 20, IsNullable = false, TableName = "orders" },
        }));

        Assert.Equal(
            ["ALTER TABLE \"public\".\"orders\" ALTER \"status\" TYPE varchar(20)", "ALTER TABLE \"orders\" ADD CONSTRAINT \"orders_status_not_null\" CHECK (\"status\" IS NOT NULL) NOT VALID"],
            online.Steps.Select(s => s.Text));
        Assert.Equal(
            ["ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"orders_status_not_null\"", "ALTER TABLE \"orders\" ALTER COLUMN \"status\" SET NOT NULL", "ALTER TABLE \"orders\" DROP CONSTRAINT IF EXISTS \"orders_status_not_null\""],
            online.After.Select(s => s.Sql));
    }

    [Fact]
    public void A_unique_constraint_takes_over_a_concurrently_built_unique_index()
    {
        var constraint = new CreateConstraintExpression(ConstraintType.Unique) { Constraint = { ConstraintName = "uq_orders_code", TableName = "orders" } };
        constraint.Constraint.Columns.Add("code");

        var online = Online(Translate(Postgres, constraint));

        Assert.Empty(online.Steps);
        Assert.Equal(
            ["CREATE UNIQUE INDEX CONCURRENTLY \"uq_orders_code\" ON \"orders\" (\"code\")", "ALTER TABLE \"orders\" ADD CONSTRAINT \"uq_orders_code\" UNIQUE USING INDEX \"uq_orders_code\""],
            online.After.Select(s => s.Sql));
    }

    [Fact]
    public void Tables_created_in_the_same_migration_or_earlier_in_the_run_keep_the_written_form()
    {
        var sameMigration = Translate(Postgres, new CreateTableExpression { TableName = "orders", Columns = [new ColumnDefinition { Name = "id", Type = DbType.Int32, TableName = "orders" }] }, Index("orders", "ix_orders_id", unique: false));

        var created = Online(sameMigration);
        Assert.Equal(sameMigration.Steps, created.Steps);
        Assert.Empty(created.After);
        Assert.All(created.Costs, cost => Assert.Equal(StatementCost.NewTable, cost));
        var index = Translate(Postgres, Index("orders", "ix_orders_status", unique: false));
        var earlier = OnlineRewrite.Apply(index, new HashSet<string> { "orders" }, Postgres.Dialect, Postgres.Generator);
        Assert.Equal(index.Steps, earlier.Steps);
        Assert.Empty(earlier.OnlineChanges);
    }

    [Fact]
    public void A_unique_index_a_later_foreign_key_needs_stays_in_the_transaction_and_says_why()
    {
        var migration = Translate(
            Postgres,
            Index("customers", "ux_customers_code", unique: true),
            new CreateForeignKeyExpression
            {
                ForeignKey = new ForeignKeyDefinition { Name = "fk_orders_code", ForeignTable = "orders", ForeignColumns = ["customer_code"], PrimaryTable = "customers", PrimaryColumns = ["code"] },
            });

        var online = Online(migration);

        Assert.StartsWith("CREATE UNIQUE INDEX \"ux_customers_code\"", online.Steps[0].Text, StringComparison.Ordinal);
        var kept = online.OnlineChanges.Single(c => c.Expression == 0);
        Assert.False(kept.Applied);
        Assert.Contains("foreign key \"fk_orders_code\" later in the migration references \"customers\"", kept.Note, StringComparison.Ordinal);
        Assert.Equal("ALTER TABLE \"orders\" VALIDATE CONSTRAINT \"fk_orders_code\"", Assert.Single(online.After).Sql);
    }

    [Fact]
    public void Each_statement_is_told_its_cost_and_an_offline_migration_keeps_its_statements()
    {
        var index = Translate(Postgres, Index("orders", "ix_orders_status", unique: false));

        var offline = OnlineRewrite.Apply(index, new HashSet<string>(), Postgres.Dialect, Postgres.Generator, online: false);

        Assert.Equal(index.Steps, offline.Steps);
        Assert.Equal("SHARE, for a scan of the table, writers wait", Assert.Single(offline.Costs)!.ToString());
        Assert.Equal("SHARE UPDATE EXCLUSIVE, for a scan of the table, writers go on", Assert.Single(Online(index).After).Cost.ToString());
    }

    [Fact]
    public void A_type_change_that_rewrites_is_an_online_copy_with_the_statements_written_for_the_shadow()
    {
        var widen = Translate(Postgres, new AlterColumnExpression
        {
            TableName = "orders", Column = new ColumnDefinition { Name = "customer_id", Type = DbType.Int64, IsNullable = true, TableName = "orders" },
        });

        var online = OnlineRewrite.Apply(widen, new HashSet<string>(), Postgres.Dialect, Postgres.Generator, current: new ColumnTypes([("orders", "customer_id", "integer")]));

        Assert.Empty(online.Steps);
        var copy = Assert.Single(online.After).Copy;
        Assert.NotNull(copy);
        Assert.Equal("orders__oc_new", copy.Shadow);
        Assert.All(copy.ShadowChanges, change => Assert.Contains("\"orders__oc_new\"", change, StringComparison.Ordinal));
        Assert.Contains(copy.ShadowChanges, change => change.Contains("TYPE bigint", StringComparison.Ordinal));
        Assert.Equal("column customer_id of orders from integer to bigint", copy.Change);
    }

    [Theory]
    [InlineData("character varying(20)", DbType.String, 20, false)]
    [InlineData("character varying(40)", DbType.String, 100, true)]
    [InlineData("integer", DbType.Int32, null, false)]
    public void A_type_that_stays_or_widens_in_the_catalog_is_not_copied(string current, DbType type, int? size, bool nullable)
    {
        var alter = Translate(Postgres, new AlterColumnExpression
        {
            TableName = "orders", Column = new ColumnDefinition { Name = "status", Type = type, Size = size, IsNullable = nullable, TableName = "orders" },
        });

        var online = OnlineRewrite.Apply(alter, new HashSet<string>(), Postgres.Dialect, Postgres.Generator, current: new ColumnTypes([("orders", "status", current)]));

        Assert.All(online.After, step => Assert.Null(step.Copy));
    }

    private static TranslatedMigration Online(TranslatedMigration migration) => OnlineRewrite.Apply(migration, new HashSet<string>(), Postgres.Dialect, Postgres.Generator);

    /// <summary>The migration's steps as the translator captures them: each expression through the generator, in order.</summary>
    private static TranslatedMigration Translate(MigrationSyntax syntax, params IMigrationExpression[] expressions)
    {
        var processor = new CapturingProcessor(syntax, new NpgsqlConnection());
        var origins = new List<int>();
        foreach (var (index, expression) in expressions.Index())
        {
            expression.ExecuteWith(processor);
            origins.AddRange(Enumerable.Repeat(index, processor.Steps.Count - origins.Count));
        }

        return new TranslatedMigration(Project.Versioned(1), processor.Steps.ToList(), expressions, false) { Origins = origins };
    }

    private static CreateIndexExpression Index(string table, string name, bool unique)
    {
        var index = new CreateIndexExpression { Index = new IndexDefinition { Name = name, TableName = table, IsUnique = unique } };
        index.Index.Columns.Add(new IndexColumnDefinition { Name = "status" });
        return index;
    }
}
