using FluentMigrator;

namespace Sample;

[Migration(202401010004, "Index orders by user, newest first")]
public sealed class M202401010004_IndexOrdersByUser : AutoReversingMigration
{
    public override void Up() =>
        Create.Index("ix_orders_user_placed").OnTable("orders")
            .OnColumn("user_id").Ascending()
            .OnColumn("placed_at").Descending();
}
