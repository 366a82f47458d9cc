using FluentMigrator;

namespace Orchestrator.TestMigrations;

[Migration(9801, "Create a table that will be big and busy, and a small one it will reference")]
[Tags("online", "online-kill", "online-copy")]
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

/// <summary>A wider text column: MariaDB can make it only by copying the table (its length prefix grows), so its online form is refused.</summary>
[Migration(9804, "Widen the busy table's code")]
[Tags("online-copy")]
public sealed class WidenBusyCode : Migration
{
    public override void Up() => Alter.Column("code").OnTable("busy").AsString(100).Nullable();

    public override void Down() => Alter.Column("code").OnTable("busy").AsString(40).Nullable();
}
