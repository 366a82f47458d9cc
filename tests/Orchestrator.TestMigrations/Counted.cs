using System.Reflection;
using FluentMigrator;

namespace Orchestrator.TestMigrations;

/// <summary>
/// Tag "counted": twenty migrations that each create a table of their own and add a row to a
/// ledger, so that applying one twice shows (SQLite's concurrent-runner test).
/// </summary>
public abstract class CountedMigration : Migration
{
    private long Version => GetType().GetCustomAttribute<MigrationAttribute>()!.Version;

    public override void Up()
    {
        if (Version == 17001)
        {
            Create.Table("ledger").WithColumn("version").AsInt64().NotNullable();
        }

        Create.Table($"counted_{Version}").WithColumn("id").AsInt32().PrimaryKey();
        Insert.IntoTable("ledger").Row(new { version = Version });
    }

    public override void Down()
    {
        Delete.FromTable("ledger").Row(new { version = Version });
        Delete.Table($"counted_{Version}");
        if (Version == 17001)
        {
            Delete.Table("ledger");
        }
    }
}

[Migration(17001), Tags("counted")]
public sealed class Counted01 : CountedMigration;

[Migration(17002), Tags("counted")]
public sealed class Counted02 : CountedMigration;

[Migration(17003), Tags("counted")]
public sealed class Counted03 : CountedMigration;

[Migration(17004), Tags("counted")]
public sealed class Counted04 : CountedMigration;

[Migration(17005), Tags("counted")]
public sealed class Counted05 : CountedMigration;

[Migration(17006), Tags("counted")]
public sealed class Counted06 : CountedMigration;

[Migration(17007), Tags("counted")]
public sealed class Counted07 : CountedMigration;

[Migration(17008), Tags("counted")]
public sealed class Counted08 : CountedMigration;

[Migration(17009), Tags("counted")]
public sealed class Counted09 : CountedMigration;

[Migration(17010), Tags("counted")]
public sealed class Counted10 : CountedMigration;

[Migration(17011), Tags("counted")]
public sealed class Counted11 : CountedMigration;

[Migration(17012), Tags("counted")]
public sealed class Counted12 : CountedMigration;

[Migration(17013), Tags("counted")]
public sealed class Counted13 : CountedMigration;

[Migration(17014), Tags("counted")]
public sealed class Counted14 : CountedMigration;

[Migration(17015), Tags("counted")]
public sealed class Counted15 : CountedMigration;

[Migration(17016), Tags("counted")]
public sealed class Counted16 : CountedMigration;

[Migration(17017), Tags("counted")]
public sealed class Counted17 : CountedMigration;

[Migration(17018), Tags("counted")]
public sealed class Counted18 : CountedMigration;

[Migration(17019), Tags("counted")]
public sealed class Counted19 : CountedMigration;

[Migration(17020), Tags("counted")]
public sealed class Counted20 : CountedMigration;
