using FluentMigrator;

namespace Orchestrator.TestMigrations;

[Migration(9801, "Create a table that will be big and busy, and a small one it will reference")]
[Tags("online", "online-kill", "online-copy", "online-copy-made-uncopiable")]
public sealed class CreateBusyTable : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("customers").WithColumn("id").AsInt32().PrimaryKey();
        Create.Table("busy")
            .WithColumn("id").AsInt64().PrimaryKey()
            .WithColumn("status").AsString(20).Nullable()
            .WithColumn("code").AsString(40).Nullable()
            .WithColumn("customer_id").AsInt32().Nullable();
    }
}

/// <summary>Each change here scans or rewrites the busy table under a lock writers need when run as written.</summary>
[Migration(9802, "Index, constrain and tighten the busy table")]
[Tags("online")]
public sealed class ChangeBusyTable : Migration
{
    public override void Up()
    {
        Create.Index("ix_busy_status").OnTable("busy").OnColumn("status").Ascending();
        Create.ForeignKey("fk_busy_customer").FromTable("busy").ForeignColumn("customer_id").ToTable("customers").PrimaryColumn("id");
        Alter.Column("status").OnTable("busy").AsString(20).NotNullable();
        Create.UniqueConstraint("uq_busy_code").OnTable("busy").Column("code");
    }

    public override void Down()
    {
        Delete.UniqueConstraint("uq_busy_code").FromTable("busy");
        Alter.Column("status").OnTable("busy").AsString(20).Nullable();
        Delete.ForeignKey("fk_busy_customer").OnTable("busy");
        Delete.Index("ix_busy_status").OnTable("busy");
    }
}

/// <summary>An index alone: its migration's transaction takes no lock on the table, so a writer's open transaction holds up only the build.</summary>
[Migration(9803, "Index the busy table by code and status")]
[Tags("online-kill")]
public sealed class IndexBusyTable : AutoReversingMigration
{
    public override void Up() => Create.Index("ix_busy_code_status").OnTable("busy").OnColumn("code").Ascending().OnColumn("status").Ascending();
}

/// <summary>A wider text column: MariaDB can make it only by copying the table (its length prefix grows), so it is copied online there; PostgreSQL widens a varchar in place.</summary>
[Migration(9804, "Widen the busy table's code")]
[Tags("online-copy")]
public sealed class WidenBusyCode : Migration
{
    public override void Up() => Alter.Column("code").OnTable("busy").AsString(100).Nullable();

    public override void Down() => Alter.Column("code").OnTable("busy").AsString(40).Nullable();
}

/// <summary>A wider integer: both engines rewrite the table for it, so it is copied online.</summary>
[Migration(9805, "Widen the busy table's customer_id to bigint")]
[Tags("online-copy")]
public sealed class WidenBusyCustomer : Migration
{
    public override void Up() => Alter.Column("customer_id").OnTable("busy").AsInt64().Nullable();

    public override void Down() => Alter.Column("customer_id").OnTable("busy").AsInt32().Nullable();
}

/// <summary>
/// A table that foreign keys reference cannot be copied online, and this migration's own transaction
/// makes the busy table one: the check before it runs passes, the copy step afterwards finds the
/// reference and changes the column without a copy.
/// </summary>
[Migration(9806, "Reference the busy table and widen its customer_id to bigint")]
[Tags("online-copy-made-uncopiable")]
public sealed class ReferenceAndWidenBusyCustomer : Migration
{
    public override void Up()
    {
        Create.Table("busy_ref").WithColumn("id").AsInt32().PrimaryKey().WithColumn("busy_id").AsInt64().Nullable().ForeignKey("fk_busy_ref_busy", "busy", "id");
        Alter.Column("customer_id").OnTable("busy").AsInt64().Nullable();
    }

    public override void Down()
    {
        Alter.Column("customer_id").OnTable("busy").AsInt32().Nullable();
        Delete.Table("busy_ref");
    }
}

/// <summary>The benchmark's table (its rows come from the benchmark): changed by 9822 to 9825 while four clients write to it.</summary>
[Migration(9821, "Create the benchmark's busy table")]
[Tags("online-bench", "online-copy-bench")]
public sealed class CreateBenchTable : AutoReversingMigration
{
    public override void Up() => Create.Table("bench_busy")
        .WithColumn("id").AsInt64().PrimaryKey()
        .WithColumn("status").AsString(20).Nullable()
        .WithColumn("code").AsString(40).Nullable()
        .WithColumn("customer_id").AsInt32().Nullable();
}

[Migration(9822, "Index the benchmark table's status")]
[Tags("online-bench")]
public sealed class IndexBenchStatus : AutoReversingMigration
{
    public override void Up() => Create.Index("ix_bench_busy_status").OnTable("bench_busy").OnColumn("status").Ascending();
}

[Migration(9823, "Add a NOT NULL column with a default to the benchmark table")]
[Tags("online-bench")]
public sealed class AddBenchFlag : AutoReversingMigration
{
    public override void Up() => Alter.Table("bench_busy").AddColumn("flag").AsInt32().NotNullable().WithDefaultValue(0);
}

[Migration(9824, "Reference a new small table from the benchmark table")]
[Tags("online-bench")]
public sealed class ReferenceBenchCustomers : Migration
{
    public override void Up()
    {
        Create.Table("bench_customers").WithColumn("id").AsInt32().PrimaryKey();
        for (var id = 1; id <= 100; id++)
        {
            Insert.IntoTable("bench_customers").Row(new { id });
        }

        Create.ForeignKey("fk_bench_busy_customer").FromTable("bench_busy").ForeignColumn("customer_id").ToTable("bench_customers").PrimaryColumn("id");
    }

    public override void Down()
    {
        Delete.ForeignKey("fk_bench_busy_customer").OnTable("bench_busy");
        Delete.Table("bench_customers");
    }
}

[Migration(9825, "Make the benchmark table's status NOT NULL")]
[Tags("online-bench")]
public sealed class TightenBenchStatus : Migration
{
    public override void Up() => Alter.Column("status").OnTable("bench_busy").AsString(20).NotNullable();

    public override void Down() => Alter.Column("status").OnTable("bench_busy").AsString(20).Nullable();
}

/// <summary>The online-copy benchmark's change: both engines rewrite the table for it, so the tool copies it online.</summary>
[Migration(9826, "Widen the benchmark table's customer_id to bigint")]
[Tags("online-copy-bench")]
public sealed class WidenBenchCustomer : Migration
{
    public override void Up() => Alter.Column("customer_id").OnTable("bench_busy").AsInt64().Nullable();

    public override void Down() => Alter.Column("customer_id").OnTable("bench_busy").AsInt32().Nullable();
}
