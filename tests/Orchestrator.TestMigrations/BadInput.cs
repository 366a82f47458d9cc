using FluentMigrator;

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
[Tags("forward-only")]
public sealed class CreateIrreversible : AutoReversingMigration
{
    public override void Up() => Create.Table("irreversible").WithColumn("id").AsInt32();
}

[Migration(6002, "Fill it, forward only")]
[Tags("forward-only")]
public sealed class FillForwardOnly : ForwardOnlyMigration
{
    public override void Up() => Insert.IntoTable("irreversible").Row(new { id = 1 });
}

[Migration(6101, "Changing a column cannot reverse itself")]
[Tags("auto-irreversible")]
public sealed class AutoAlterColumn : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("auto_alter").WithColumn("id").AsInt32().Nullable();
        Alter.Table("auto_alter").AlterColumn("id").AsInt64().Nullable();
    }
}

[Migration(7002, "An identifier longer than any engine keeps")]
[Tags("long-identifier")]
public sealed class LongIdentifier : AutoReversingMigration
{
    public override void Up() => Create.Table(new string('t', 70)).WithColumn("id").AsInt32();
}

/// <summary>A real project's foreign key: FluentMigrator names it FK_hours_of_operation_days_hours_of_operation_id_hours_of_operations_id (71 bytes).</summary>
[Migration(7003, "A foreign key whose generated name is too long")]
[Tags("long-identifier")]
public sealed class LongForeignKeyName : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("hours_of_operations").WithColumn("id").AsInt32().PrimaryKey();
        Create.Table("hours_of_operation_days")
            .WithColumn("id").AsInt32().PrimaryKey()
            .WithColumn("hours_of_operation_id").AsInt32().ForeignKey("hours_of_operations", "id");
    }
}

[Migration(7101, "Up() throws")]
[Tags("throwing")]
public sealed class ThrowingMigration : Migration
{
    public override void Up() => throw new InvalidOperationException("the migration's own code failed");

    public override void Down()
    {
    }
}
