using FluentMigrator;

namespace Orchestrator.TestMigrations;

/// <summary>Ten migrations that fail if applied twice (the table would exist), for the concurrent-runner test.</summary>
public abstract class ConcurrentTable(string table) : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table(table).WithColumn("id").AsInt32().PrimaryKey();
        Insert.IntoTable(table).Row(new { id = 1 });
    }
}

[Migration(8001)]
[Tags("concurrent")]
public sealed class Concurrent1() : ConcurrentTable("c1");

[Migration(8002)]
[Tags("concurrent")]
public sealed class Concurrent2() : ConcurrentTable("c2");

[Migration(8003)]
[Tags("concurrent")]
public sealed class Concurrent3() : ConcurrentTable("c3");

[Migration(8004)]
[Tags("concurrent")]
public sealed class Concurrent4() : ConcurrentTable("c4");

[Migration(8005)]
[Tags("concurrent")]
public sealed class Concurrent5() : ConcurrentTable("c5");

[Migration(8006)]
[Tags("concurrent")]
public sealed class Concurrent6() : ConcurrentTable("c6");

[Migration(8007)]
[Tags("concurrent")]
public sealed class Concurrent7() : ConcurrentTable("c7");

[Migration(8008)]
[Tags("concurrent")]
public sealed class Concurrent8() : ConcurrentTable("c8");

[Migration(8009)]
[Tags("concurrent")]
public sealed class Concurrent9() : ConcurrentTable("c9");

[Migration(8010)]
[Tags("concurrent")]
public sealed class Concurrent10() : ConcurrentTable("c10");
