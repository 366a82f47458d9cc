using FluentMigrator;

namespace Sample;

/// <summary>Raw SQL: a reporting view, written once for both engines (unquoted lowercase names mean the same on each).</summary>
[Migration(202401010006, "Create the order_totals reporting view")]
public sealed class M202401010006_CreateOrderTotalsView : Migration
{
    public override void Up() => Execute.Sql(
        "CREATE VIEW order_totals AS SELECT user_id, COUNT(*) AS order_count, SUM(total) AS total FROM orders GROUP BY user_id");

    public override void Down() => Execute.Sql("DROP VIEW order_totals");
}
