using FluentMigrator;

namespace Sample;

/// <summary>JSON has a native type on each engine: jsonb on PostgreSQL, JSON on MariaDB.</summary>
[Migration(202401010003, "Add a JSON metadata column to orders")]
public sealed class M202401010003_AddOrderMetadata : AutoReversingMigration
{
    public override void Up()
    {
        IfDatabase("Postgres").Alter.Table("orders").AddColumn("metadata").AsCustom("jsonb").Nullable();
        IfDatabase("MariaDB").Alter.Table("orders").AddColumn("metadata").AsCustom("JSON").Nullable();
    }
}
