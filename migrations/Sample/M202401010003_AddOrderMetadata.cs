using FluentMigrator;

namespace Sample;

/// <summary>
/// JSON has a native type on PostgreSQL (jsonb) and MariaDB (JSON); SQLite keeps JSON as text,
/// and a column declared JSON says what it holds.
/// </summary>
[Migration(202401010003, "Add a JSON metadata column to orders")]
public sealed class M202401010003_AddOrderMetadata : AutoReversingMigration
{
    public override void Up()
    {
        IfDatabase("Postgres").Alter.Table("orders").AddColumn("metadata").AsCustom("jsonb").Nullable();
        IfDatabase("MariaDB").Alter.Table("orders").AddColumn("metadata").AsCustom("JSON").Nullable();
        IfDatabase("SQLite").Alter.Table("orders").AddColumn("metadata").AsCustom("JSON").Nullable();
    }
}
