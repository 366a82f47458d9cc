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

[Migration(2101, "Create a probe table")]
[Tags("failing-late")]
public sealed class CreateProbe : AutoReversingMigration
{
    public override void Up() => Create.Table("late_probe").WithColumn("id").AsInt32().PrimaryKey();
}

/// <summary>Described fine while planning (no probe yet); refuses when described again at its turn, after 2101 created the probe.</summary>
[Migration(2102, "Refuse once the probe exists")]
[Tags("failing-late")]
public sealed class RefuseOnceProbeExists : Migration
{
    public override void Up()
    {
        if (Schema.Table("late_probe").Exists())
        {
            throw new InvalidOperationException("late_probe already exists; refusing");
        }

        Execute.Sql("SELECT 1");
    }

    public override void Down()
    {
    }
}

/// <summary>A migration that runs for half a minute, so a test can cut its connection while it runs.</summary>
[Migration(9801)]
[Tags("slow")]
public sealed class SlowStatement : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Execute.Sql("SELECT pg_sleep(30)");
        IfDatabase("MySql", "MariaDB").Execute.Sql("DO SLEEP(30)");
    }

    public override void Down()
    {
    }
}

/// <summary>Three schema changes, the third broken (a column twice): on MariaDB the first two stay applied.</summary>
[Migration(9841, "Three tables, the third broken")]
[Tags("resume-broken")]
public sealed class ThreeTablesBroken : Migration
{
    public override void Up()
    {
        Create.Table("resume_one").WithColumn("id").AsInt32().PrimaryKey();
        Create.Table("resume_two").WithColumn("id").AsInt32().PrimaryKey();
        Execute.Sql("CREATE TABLE resume_three (id INT, id INT)");
    }

    public override void Down()
    {
        Delete.Table("resume_two");
        Delete.Table("resume_one");
    }
}

/// <summary>The same migration with its third statement corrected.</summary>
[Migration(9841, "Three tables, the third corrected")]
[Tags("resume-fixed")]
public sealed class ThreeTablesFixed : Migration
{
    public override void Up()
    {
        Create.Table("resume_one").WithColumn("id").AsInt32().PrimaryKey();
        Create.Table("resume_two").WithColumn("id").AsInt32().PrimaryKey();
        Execute.Sql("CREATE TABLE resume_three (id INT)");
    }

    public override void Down()
    {
        Delete.Table("resume_three");
        Delete.Table("resume_two");
        Delete.Table("resume_one");
    }
}

/// <summary>A table the next migration changes, created in the same run as it (so changed as written, not in the online form).</summary>
[Migration(9851, "A table to grow")]
[Tags("grown-broken", "grown-fixed")]
public sealed class TableToGrow : Migration
{
    public override void Up() => Create.Table("resume_grown").WithColumn("id").AsInt32().PrimaryKey();

    public override void Down() => Delete.Table("resume_grown");
}

/// <summary>Two changes of the table, the second broken (a column twice).</summary>
[Migration(9852, "Grow the table, the second change broken")]
[Tags("grown-broken")]
public sealed class GrowTableBroken : Migration
{
    public override void Up()
    {
        Alter.Table("resume_grown").AddColumn("a").AsInt32().Nullable();
        Execute.Sql("ALTER TABLE resume_grown ADD COLUMN a INT");
    }

    public override void Down() => Delete.Column("a").FromTable("resume_grown");
}

/// <summary>The same migration with its second change corrected.</summary>
[Migration(9852, "Grow the table, the second change corrected")]
[Tags("grown-fixed")]
public sealed class GrowTableFixed : Migration
{
    public override void Up()
    {
        Alter.Table("resume_grown").AddColumn("a").AsInt32().Nullable();
        Execute.Sql("ALTER TABLE resume_grown ADD COLUMN b INT");
    }

    public override void Down() => Delete.Column("a").Column("b").FromTable("resume_grown");
}

/// <summary>
/// Creations and a row, none of them undone later: the schema shows each creation done, so none
/// is recorded as it runs. The last one fails when the test has made its table first.
/// </summary>
[Migration(9861, "Creations the schema shows, the last one clashing")]
[Tags("evident")]
public sealed class EvidentCreations : Migration
{
    public override void Up()
    {
        Create.Table("evident_one").WithColumn("id").AsInt32().PrimaryKey().WithColumn("name").AsString(50).Nullable();
        Create.Index("ix_evident_one_name").OnTable("evident_one").OnColumn("name").Ascending();
        Insert.IntoTable("evident_one").Row(new { id = 1, name = "one" });
        Create.Table("evident_clash").WithColumn("id").AsInt32().PrimaryKey();
    }

    public override void Down()
    {
        Delete.Table("evident_clash");
        Delete.Table("evident_one");
    }
}
