using Orchestrator.Migrations;

namespace Sample;

[Migration(202401010003, "Add a JSON metadata column to orders")]
public sealed class M202401010003_AddOrderMetadata : AutoReversingMigration
{
    public override void Up() => Alter.Table("orders").AddColumn("metadata").AsJsonb().Nullable();
}
