using Orchestrator.Migrations;
using Orchestrator.Migrations.Lint;

namespace Orchestrator.Tests.Migrations;

public sealed class ReplicationSafetyLintTests
{
    [Fact]
    public void A_plain_index_on_an_existing_table_warns_on_postgres_only()
    {
        var pending = new[] { Info(1, m => m.Create.Index("ix_orders_status").OnTable("orders").OnColumn("status")) };

        var warning = Assert.Single(ReplicationSafetyLint.Check(pending, "postgres"));
        Assert.Contains("CREATE INDEX \"ix_orders_status\" on existing table \"orders\" blocks writes", warning.Problem, StringComparison.Ordinal);
        Assert.Contains(".Concurrently()", warning.SaferForm, StringComparison.Ordinal);
        Assert.Empty(ReplicationSafetyLint.Check(pending, "mariadb"));
    }

    [Fact]
    public void Tables_created_earlier_in_the_run_and_concurrent_indexes_do_not_warn()
    {
        var pending = new[]
        {
            Info(1, m => m.Create.Table("orders").WithColumn("status").AsString(10)),
            Info(2, m => m.Create.Index("ix_orders_status").OnTable("orders").OnColumn("status")),
            Info(3, m => m.Create.Index("ix_users_email").OnTable("users").OnColumn("email").Concurrently()),
        };

        Assert.Empty(ReplicationSafetyLint.Check(pending, "postgres"));
    }

    [Theory]
    [InlineData("type", "rewrites the table under an exclusive lock")]
    [InlineData("not-null", "SET NOT NULL on \"users\".\"email\" scans the whole table")]
    [InlineData("volatile-default", "with a volatile default (gen_random_uuid()) rewrites the whole table")]
    public void Postgres_rewrites_and_scans_warn(string change, string problem)
    {
        Action<ScratchMigration> body = change switch
        {
            "type" => m => m.Alter.Column("email").OnTable("users").AsString(500),
            "not-null" => m => m.Alter.Column("email").OnTable("users").NotNullable(),
            _ => m => m.Create.Column("token").OnTable("users").AsGuid().WithDefault(SystemMethods.NewGuid),
        };

        var warning = Assert.Single(ReplicationSafetyLint.Check([Info(1, body)], "postgres"));
        Assert.Contains(problem, warning.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_modify_column_on_an_existing_table_warns_on_mariadb()
    {
        var warning = Assert.Single(ReplicationSafetyLint.Check([Info(1, m => m.Alter.Column("email").OnTable("users").AsString(500))], "mariadb"));
        Assert.Contains("cannot always run with ALGORITHM=INSTANT or INPLACE, LOCK=NONE", warning.Problem, StringComparison.Ordinal);
    }

    private static MigrationInfo Info(long version, Action<ScratchMigration> body) =>
        new(version, $"m{version}", typeof(ScratchMigration), TransactionBehavior.Default, [], ScratchMigration.Describe(body), null, "test");
}
