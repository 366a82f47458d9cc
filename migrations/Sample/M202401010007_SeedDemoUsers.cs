using FluentMigrator;

namespace Sample;

/// <summary>Demo data for local environments only: environments select it with migrations.tags: [local].</summary>
[Migration(202401010007, "Seed demo users")]
[Tags("local")]
public sealed class M202401010007_SeedDemoUsers : AutoReversingMigration
{
    public override void Up() =>
        Insert.IntoTable("users")
            .Row(new { email = "ada@example.com", display_name = "Ada Lovelace" })
            .Row(new { email = "grace@example.com", display_name = "Grace Hopper" });
}
