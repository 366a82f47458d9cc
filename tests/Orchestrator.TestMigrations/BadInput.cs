using Orchestrator.Migrations;

namespace Orchestrator.TestMigrations;

[Migration(5001, "First of a duplicate pair")]
[Tags("duplicate")]
public sealed class DuplicateA : AutoReversingMigration
{
    public override void Up() => Create.Table("dup_a").WithColumn("id").AsInt32();
}

[Migration(5001, "Second of a duplicate pair")]
[Tags("duplicate")]
public sealed class DuplicateB : AutoReversingMigration
{
    public override void Up() => Create.Table("dup_b").WithColumn("id").AsInt32();
}

[Migration(6001, "Create a table")]
[Tags("no-down")]
public sealed class CreateIrreversible : AutoReversingMigration
{
    public override void Up() => Create.Table("irreversible").WithColumn("id").AsInt32();
}

[Migration(6002, "No Down")]
[Tags("no-down")]
public sealed class FillWithoutDown : Migration
{
    public override void Up() => Insert.IntoTable("irreversible").Row(new { id = 1 });
}

[Migration(6101, "Raw SQL cannot reverse itself")]
[Tags("auto-irreversible")]
public sealed class AutoWithSql : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("auto_sql").WithColumn("id").AsInt32();
        Execute.Sql("INSERT INTO auto_sql VALUES (1)");
    }
}

[Migration(7001, "An identifier with a quote")]
[Tags("bad-identifier")]
public sealed class QuotedIdentifier : AutoReversingMigration
{
    public override void Up() => Create.Table("bad\"name").WithColumn("id").AsInt32();
}

[Migration(7002, "An identifier longer than any engine allows")]
[Tags("long-identifier")]
public sealed class LongIdentifier : AutoReversingMigration
{
    public override void Up() => Create.Table(new string('t', 70)).WithColumn("id").AsInt32();
}
