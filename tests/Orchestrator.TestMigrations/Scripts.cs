using FluentMigrator;

namespace Orchestrator.TestMigrations;

[Migration(1101, "Raw SQL with two statements")]
[Tags("script")]
public sealed class TwoStatements : Migration
{
    public override void Up() => Execute.Sql("CREATE TABLE script_a (id int); CREATE TABLE script_b (id int)");

    public override void Down() => Execute.Sql("DROP TABLE script_a; DROP TABLE script_b");
}

[Migration(1102, "An embedded script")]
[Tags("script")]
public sealed class EmbeddedReports : Migration
{
    public override void Up() => Execute.EmbeddedScript("create_reports.sql");

    public override void Down() => Execute.Sql("DROP TABLE report_a; DROP TABLE report_b");
}
