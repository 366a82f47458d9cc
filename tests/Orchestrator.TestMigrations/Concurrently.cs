using FluentMigrator;
using FluentMigrator.Postgres;

namespace Orchestrator.TestMigrations;

[Migration(3001, "Create things")]
[Tags("concurrently")]
public sealed class CreateThings : AutoReversingMigration
{
    public override void Up() => Create.Table("things")
        .WithColumn("id").AsInt32().PrimaryKey()
        .WithColumn("label").AsString(50).Nullable();
}

[Migration(3002, TransactionBehavior.None, "Index things without blocking writes")]
[Tags("concurrently")]
public sealed class IndexThingsConcurrently : AutoReversingMigration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Create.Index("ix_things_label").OnTable("things").OnColumn("label").Ascending().WithOptions().AsConcurrently();
        IfDatabase("MySql").Create.Index("ix_things_label").OnTable("things").OnColumn("label");
    }
}

[Migration(4001, "CONCURRENTLY inside a transaction")]
[Tags("concurrently-in-transaction")]
public sealed class IndexConcurrentlyInTransaction : AutoReversingMigration
{
    public override void Up() => Create.Index("ix_bad").OnTable("things").OnColumn("label").Ascending().WithOptions().AsConcurrently();
}
