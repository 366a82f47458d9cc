using FluentMigrator;

namespace Orchestrator.TestMigrations;

[Migration(9901, "Create the table a long transaction will read")]
[Tags("lock-queue")]
public sealed class CreateQueueTarget : AutoReversingMigration
{
    public override void Up() => Create.Table("queue_target").WithColumn("id").AsInt64().PrimaryKey();
}

/// <summary>A schema change that needs the table's exclusive lock, however briefly: it queues behind any open transaction that read the table.</summary>
[Migration(9902, "Add a column to the busy table")]
[Tags("lock-queue")]
public sealed class AlterQueueTarget : AutoReversingMigration
{
    public override void Up() => Alter.Table("queue_target").AddColumn("note").AsString(50).Nullable();
}
