using Orchestrator.Engines.Postgres;

namespace Orchestrator.Tests.Engines;

public sealed class PostgresStatementSplitterTests
{
    [Fact]
    public void Splits_on_semicolons_and_drops_empty_and_comment_only_parts()
    {
        Assert.Equal(
            ["CREATE TABLE a (id int)", "INSERT INTO a VALUES (1)"],
            PostgresStatementSplitter.Split("CREATE TABLE a (id int);\n\n INSERT INTO a VALUES (1);  ;\n-- trailing comment\n"));
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES ('a;b', 'it''s; fine')")]
    [InlineData("SELECT \"odd;name\" FROM t")]
    [InlineData("SELECT E'back\\';slash'")]
    [InlineData("SELECT 1 -- a comment; with a semicolon")]
    [InlineData("SELECT /* outer /* nested; */ still comment; */ 1")]
    [InlineData("CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql")]
    [InlineData("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql")]
    [InlineData("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END")]
    [InlineData("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); INSERT INTO log VALUES (2))")]
    public void A_semicolon_inside_quotes_comments_bodies_and_parentheses_does_not_split(string statement)
    {
        Assert.Equal([statement], PostgresStatementSplitter.Split(statement + "\n;"));
    }

    [Fact]
    public void A_transaction_begin_and_end_are_statements_of_their_own()
    {
        Assert.Equal(["BEGIN", "SELECT 1", "END"], PostgresStatementSplitter.Split("BEGIN; SELECT 1; END;"));
    }

    [Fact]
    public void Positional_parameters_and_dollars_inside_names_are_not_dollar_quotes()
    {
        Assert.Equal(["SELECT $1, a$b FROM t", "SELECT 2"], PostgresStatementSplitter.Split("SELECT $1, a$b FROM t; SELECT 2"));
    }
}
