using Orchestrator.Drift;

namespace Orchestrator.Tests.Drift;

public sealed class PortableSchemaTests
{
    [Theory]
    [InlineData("integer", "integer")]
    [InlineData("bigint", "integer")]
    [InlineData("INTEGER", "integer")]
    [InlineData("int(11)", "integer")]
    [InlineData("smallint", "integer")]
    [InlineData("character varying(255)", "text")]
    [InlineData("varchar(50)", "text")]
    [InlineData("TEXT", "text")]
    [InlineData("character(2)", "text")]
    [InlineData("uuid", "text")]
    [InlineData("UNIQUEIDENTIFIER", "text")]
    [InlineData("numeric(12,2)", "decimal")]
    [InlineData("NUMERIC", "decimal")]
    [InlineData("double precision", "decimal")]
    [InlineData("timestamp without time zone", "time")]
    [InlineData("DATETIME", "time")]
    [InlineData("date", "time")]
    [InlineData("bytea", "binary")]
    [InlineData("BLOB", "binary")]
    [InlineData("varbinary(16)", "binary")]
    [InlineData("boolean", "boolean")]
    [InlineData("tinyint(1)", "boolean")]
    [InlineData("jsonb", "json")]
    [InlineData("JSON", "json")]
    [InlineData("point", "point")]
    [InlineData("", "any")]
    public void Types_fall_into_families_whatever_the_engine_calls_them(string declared, string family) =>
        Assert.Equal(family, TypeFamily.Of(declared));

    [Fact]
    public void Primary_keys_foreign_keys_and_indexes_compare_by_columns_not_names()
    {
        var left = PortableSchema.Build(
            [new("orders", "id", "bigint", false), new("orders", "user_id", "integer", false), new("orders", "flag", "boolean", true)],
            [new("orders", ["id"]), new("orders", ["user_id"], "users", ["id"])],
            [new("orders", ["id"], true), new("orders", ["user_id"], false)]);
        var right = PortableSchema.Build(
            [new("orders", "id", "INTEGER", false), new("orders", "user_id", "INTEGER", false), new("orders", "flag", "INTEGER", true)],
            [new("orders", ["id"]), new("orders", ["user_id"], "users", ["id"])],
            [new("orders", ["user_id"], false)]);

        var differences = SchemaComparer.Compare(left, right);
        Assert.Equal([new DriftItem("orders", "column", "flag", "boolean NULL", "integer NULL")], differences);
        Assert.Empty(SchemaComparer.Compare(PortableSchema.AsSqliteHoldsIt(left), right));
        Assert.Equal("(id)", left.Tables["orders"].Constraints["primary key"]);
        Assert.Equal("references users (id)", left.Tables["orders"].Constraints["foreign key (user_id)"]);
        Assert.False(left.Tables["orders"].Indexes.ContainsKey("(id)"), "the primary key's own index is the key");
    }

    [Fact]
    public void A_column_constraint_that_is_two_indexes_on_one_engine_is_one_unique_index()
    {
        var shape = PortableSchema.Build(
            [new("users", "email", "TEXT", false)],
            [],
            [new("users", ["email"], false), new("users", ["email"], true), new("users", ["email"], false)]);
        Assert.Equal("unique", shape.Tables["users"].Indexes["(email)"]);
    }

    [Fact]
    public void Nullability_and_missing_columns_are_differences()
    {
        var left = PortableSchema.Build([new("t", "a", "text", true), new("t", "b", "integer", false)], [], []);
        var right = PortableSchema.Build([new("t", "a", "varchar(5)", false)], [], []);
        var differences = SchemaComparer.Compare(left, right);
        Assert.Contains(new DriftItem("t", "column", "a", "text NULL", "text NOT NULL"), differences);
        Assert.Contains(new DriftItem("t", "column", "b", "integer NOT NULL", null), differences);
    }
}
