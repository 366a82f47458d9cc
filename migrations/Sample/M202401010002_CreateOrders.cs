using System.Data;
using FluentMigrator;

namespace Sample;

/// <summary>
/// The foreign key gets an index of its own: InnoDB would otherwise reuse (and later refuse to
/// drop) the next index that starts with user_id.
/// </summary>
[Migration(202401010002, "Create the orders table")]
public sealed class M202401010002_CreateOrders : Migration
{
    public override void Up() =>
        Create.Table("orders")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("user_id").AsInt32().NotNullable().Indexed("ix_orders_user").ForeignKey("fk_orders_users", "users", "id").OnDelete(Rule.Cascade)
            .WithColumn("total").AsDecimal(12, 2).NotNullable()
            .WithColumn("status").AsString(20).NotNullable().WithDefaultValue("new")
            .WithColumn("placed_at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentUTCDateTime);

    public override void Down() => Delete.Table("orders");
}
