using Orchestrator.Engines.MariaDb;
using Orchestrator.Engines.Postgres;

namespace Orchestrator.Tests.Engines;

/// <summary>Whether a column's type really changes, as each engine writes types: what decides an online table copy.</summary>
public sealed class TypeChangeTests
{
    [Theory]
    [InlineData("int(11)", "INTEGER", false)]
    [InlineData("int(11)", "BIGINT", true)]
    [InlineData("varchar(40)", "VARCHAR(100)", true)]
    [InlineData("varchar(20)", "VARCHAR(20)", false)]
    [InlineData("tinyint(1)", "TINYINT(1)", false)]
    [InlineData("decimal(10,0)", "DECIMAL(10)", false)]
    [InlineData("decimal(19,5)", "DECIMAL(19, 5)", false)]
    [InlineData("bigint(20) unsigned", "BIGINT UNSIGNED", false)]
    [InlineData("double", "DOUBLE PRECISION", false)]
    public void MariaDb_compares_types_as_information_schema_writes_them(string current, string target, bool changes) =>
        Assert.Equal(changes, MariaDbTypeChange.Changes(current, target));

    [Fact]
    public void MariaDb_reads_the_target_type_of_the_column_from_its_modify_statement()
    {
        Assert.Equal("BIGINT UNSIGNED", MariaDbTypeChange.Target("ALTER TABLE `busy` MODIFY COLUMN `customer_id` BIGINT UNSIGNED NOT NULL", "customer_id"));
        Assert.Equal("DECIMAL(19,5)", MariaDbTypeChange.Target("ALTER TABLE `t` MODIFY COLUMN `price` DECIMAL(19,5)", "price"));
        Assert.Null(MariaDbTypeChange.Target("ALTER TABLE `t` MODIFY COLUMN `other` INTEGER", "price"));
    }

    [Theory]
    [InlineData("integer", "bigint", true)]
    [InlineData("integer", "int4", false)]
    [InlineData("character varying(40)", "varchar(100)", false)]
    [InlineData("character varying(100)", "varchar(40)", true)]
    [InlineData("character varying(40)", "text", false)]
    [InlineData("character(10)", "char(20)", true)]
    [InlineData("timestamp without time zone", "timestamp", false)]
    [InlineData("timestamp without time zone", "timestamptz", true)]
    [InlineData("numeric(19,5)", "decimal(19, 5)", false)]
    public void Postgres_rewrites_unless_the_type_stays_or_a_varchar_widens(string current, string target, bool rewrites) =>
        Assert.Equal(rewrites, PostgresTypeChange.Rewrites(current, target));

    [Fact]
    public void Postgres_reads_the_target_type_up_to_the_next_clause()
    {
        Assert.Equal("varchar(20)", PostgresTypeChange.Target("ALTER TABLE \"public\".\"busy\" ALTER \"status\" TYPE varchar(20), ALTER \"status\" SET NOT NULL", "status"));
        Assert.Equal("numeric(19,5)", PostgresTypeChange.Target("ALTER TABLE \"public\".\"t\" ALTER \"price\" TYPE numeric(19,5);", "price"));
        Assert.Null(PostgresTypeChange.Target("ALTER TABLE \"public\".\"t\" ALTER \"price\" SET NOT NULL", "price"));
    }
}
