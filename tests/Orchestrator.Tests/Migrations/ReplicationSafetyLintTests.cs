using System.Data;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure.Extensions;
using FluentMigrator.Model;
using FluentMigrator.Postgres;
using Orchestrator.Engines.MariaDb;
using Orchestrator.Engines.Postgres;
using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Tests.Migrations;

public sealed class ReplicationSafetyLintTests
{
    private static readonly PostgresMigrationDialect Postgres = new();
    private static readonly MariaDbMigrationDialect MariaDb = new();

    [Fact]
    public void A_plain_index_on_an_existing_table_warns_on_postgres_only()
    {
        var pending = new[] { Pending(1, Index("orders", "ix_orders_status")) };

        var warning = Assert.Single(ReplicationSafetyLint.Check(pending, Postgres));
        Assert.Contains("CREATE INDEX \"ix_orders_status\" on existing table \"orders\" blocks writes", warning.Problem, StringComparison.Ordinal);
        Assert.Contains("AsConcurrently()", warning.SaferForm, StringComparison.Ordinal);
        Assert.Empty(ReplicationSafetyLint.Check(pending, MariaDb));
    }

    [Fact]
    public void Tables_created_earlier_in_the_run_and_concurrent_indexes_do_not_warn()
    {
        var concurrent = Index("users", "ix_users_email");
        concurrent.SetAdditionalFeature(PostgresExtensions.Concurrently, new PostgresIndexConcurrentlyDefinition { IsConcurrently = true });
        var pending = new[]
        {
            Pending(1, new CreateTableExpression { TableName = "orders" }),
            Pending(2, Index("orders", "ix_orders_status")),
            Pending(3, concurrent),
        };

        Assert.Empty(ReplicationSafetyLint.Check(pending, Postgres));
    }

    [Theory]
    [InlineData(true, "rewrites the table under an exclusive lock when its type changes")]
    [InlineData(false, "and SET NOT NULL scans it")]
    [InlineData(null, "with a volatile default (gen_random_uuid()) rewrites the whole table")]
    public void Postgres_rewrites_and_scans_warn(bool? nullable, string problem)
    {
        IMigrationExpression change = nullable is { } isNullable
            ? new AlterColumnExpression { TableName = "users", Column = new ColumnDefinition { Name = "email", Type = DbType.String, Size = 500, IsNullable = isNullable } }
            : new CreateColumnExpression { TableName = "users", Column = new ColumnDefinition { Name = "token", Type = DbType.Guid, DefaultValue = SystemMethods.NewGuid } };

        var warning = Assert.Single(ReplicationSafetyLint.Check([Pending(1, change)], Postgres));
        Assert.Contains(problem, warning.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_modify_column_on_an_existing_table_warns_on_mariadb()
    {
        var change = new AlterColumnExpression { TableName = "users", Column = new ColumnDefinition { Name = "email", Type = DbType.String, Size = 500 } };

        var warning = Assert.Single(ReplicationSafetyLint.Check([Pending(1, change)], MariaDb));
        Assert.Contains("cannot always run with ALGORITHM=INSTANT or INPLACE, LOCK=NONE", warning.Problem, StringComparison.Ordinal);
    }

    private static CreateIndexExpression Index(string table, string name) => new()
    {
        Index = new IndexDefinition { Name = name, TableName = table, Columns = { new IndexColumnDefinition { Name = "status" } } },
    };

    private static TranslatedMigration Pending(long version, IMigrationExpression expression) => new(Project.Versioned(version), [], [expression], false);
}
