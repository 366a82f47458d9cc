using FluentMigrator;

namespace Orchestrator.TestMigrations;

/// <summary>9001 and 9002 stand for history FluentMigrator already applied; only 9003 is new.</summary>
[Migration(9001, "Legacy table")]
[Tags("fluentmigrator")]
public sealed class CreateLegacy : AutoReversingMigration
{
    public override void Up() => Create.Table("legacy").WithColumn("id").AsInt32();
}

[Migration(9002, "Legacy column")]
[Tags("fluentmigrator")]
public sealed class AddLegacyColumn : AutoReversingMigration
{
    public override void Up() => Alter.Table("legacy").AddColumn("note").AsString(10).Nullable();
}

[Migration(9003, "Modern table")]
[Tags("fluentmigrator")]
public sealed class CreateModern : AutoReversingMigration
{
    public override void Up() => Create.Table("modern").WithColumn("id").AsInt32();
}
