using FluentMigrator;

namespace Orchestrator.TestMigrations;

[Migration(2001, "Create gadgets")]
[Tags("failing")]
public sealed class CreateGadgets : AutoReversingMigration
{
    public override void Up() => Create.Table("gadgets").WithColumn("id").AsInt32().PrimaryKey();
}

/// <summary>Fails at its third statement, after a schema change and a data change.</summary>
[Migration(2002, "Break half-way")]
[Tags("failing")]
public sealed class BreakHalfway : Migration
{
    public override void Up()
    {
        Create.Table("half_done").WithColumn("id").AsInt32().Nullable();
        Insert.IntoTable("gadgets").Row(new { id = 1 });
        Execute.Sql("INSERT INTO no_such_table VALUES (1)");
    }

    public override void Down() => Delete.Table("half_done");
}
