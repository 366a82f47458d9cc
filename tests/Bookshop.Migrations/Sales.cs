using System.Data;
using FluentMigrator;

namespace Bookshop.Migrations;

[Migration(2024_02_01_0001, "Sales schema and customers")]
public sealed class CreateCustomers : AutoReversingMigration
{
    public override void Up()
    {
        Create.Schema("sales");
        Create.Table("customers").InSchema("sales")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("email").AsString(320).NotNullable().Unique("ux_customers_email")
            .WithColumn("name").AsString(200).NotNullable()
            .WithColumn("created_at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentUTCDateTime);
    }
}

[Migration(2024_02_01_0002, "Orders")]
public sealed class CreateOrders : AutoReversingMigration
{
    public override void Up() => Create.Table("orders").InSchema("sales")
        .WithColumn("id").AsInt64().PrimaryKey().Identity()
        .WithColumn("customer_id").AsInt64().NotNullable().Indexed("ix_orders_customer")
            .ForeignKey("fk_orders_customers", "sales", "customers", "id")
        .WithColumn("status").AsAnsiString(20).NotNullable().WithDefaultValue("new")
        .WithColumn("total").AsDecimal(12, 2).NotNullable().WithDefaultValue(0)
        .WithColumn("placed_at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentUTCDateTime);
}

[Migration(2024_02_01_0003, "Order lines")]
public sealed class CreateOrderLines : AutoReversingMigration
{
    public override void Up() => Create.Table("order_lines").InSchema("sales")
        .WithColumn("id").AsInt64().PrimaryKey().Identity()
        .WithColumn("order_id").AsInt64().NotNullable()
            .ForeignKey("fk_order_lines_orders", "sales", "orders", "id").OnDelete(Rule.Cascade)
        .WithColumn("book_id").AsInt32().NotNullable()
            .ForeignKey("fk_order_lines_books", "catalog", "books", "id")
        .WithColumn("quantity").AsInt32().NotNullable()
        .WithColumn("unit_price").AsDecimal(10, 2).NotNullable();
}

[Migration(2024_02_01_0004, "Orders of a customer, newest first")]
public sealed class IndexOrdersByCustomerAndDate : AutoReversingMigration
{
    public override void Up() => Create.Index("ix_orders_customer_placed").OnTable("orders").InSchema("sales")
        .OnColumn("customer_id").Ascending()
        .OnColumn("placed_at").Descending();
}

[Migration(2024_02_02_0001, "Order totals kept by the database")]
public sealed class OrderTotalsTrigger : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Execute.Sql(
            """
            CREATE FUNCTION sales.add_line_to_total() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE sales.orders SET total = total + NEW.quantity * NEW.unit_price WHERE id = NEW.order_id;
                RETURN NEW;
            END;
            $$;
            CREATE TRIGGER order_lines_total AFTER INSERT ON sales.order_lines FOR EACH ROW EXECUTE FUNCTION sales.add_line_to_total();
            """);
        IfDatabase("MySql").Execute.Sql(
            """
            CREATE TRIGGER order_lines_total AFTER INSERT ON order_lines FOR EACH ROW
            BEGIN
                UPDATE orders SET total = total + NEW.quantity * NEW.unit_price WHERE id = NEW.order_id;
            END
            """);
    }

    public override void Down()
    {
        IfDatabase("PostgreSQL").Execute.Sql("DROP TRIGGER order_lines_total ON sales.order_lines; DROP FUNCTION sales.add_line_to_total()");
        IfDatabase("MySql").Execute.Sql("DROP TRIGGER order_lines_total");
    }
}

[Migration(2024_02_03_0001, "Loyalty tiers")]
public sealed class AddLoyaltyTier : AutoReversingMigration
{
    public override void Up() => Alter.Table("customers").InSchema("sales").AddColumn("loyalty_tier").AsAnsiString(10).NotNullable().WithDefaultValue("basic");
}

[Migration(2024_02_03_0002, "Order status is a state")]
public sealed class RenameOrderStatus : AutoReversingMigration
{
    public override void Up() => Rename.Column("status").OnTable("orders").InSchema("sales").To("state");
}

[Migration(2024_03_01_0001, "Reviews")]
public sealed class CreateReviews : AutoReversingMigration
{
    public override void Up() => Create.Table("reviews").InSchema("catalog")
        .WithColumn("id").AsInt64().PrimaryKey().Identity()
        .WithColumn("book_id").AsInt32().NotNullable()
            .ForeignKey("fk_reviews_books", "catalog", "books", "id").OnDelete(Rule.Cascade)
        .WithColumn("customer_id").AsInt64().NotNullable()
            .ForeignKey("fk_reviews_customers", "sales", "customers", "id")
        .WithColumn("rating").AsInt16().NotNullable()
        .WithColumn("body").AsString(int.MaxValue).Nullable();
}

[Migration(2024_03_02_0001, "Audit log with a JSON payload")]
public sealed class CreateAuditLog : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Create.Table("audit_log").InSchema("sales")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("payload").AsCustom("jsonb").NotNullable()
            .WithColumn("at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentUTCDateTime);
        IfDatabase("MySql").Create.Table("audit_log")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("payload").AsCustom("JSON").NotNullable()
            .WithColumn("at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentUTCDateTime);
    }

    public override void Down() => Delete.Table("audit_log").InSchema("sales");
}

[Migration(2024_03_03_0001, "Invoice numbers")]
public sealed class CreateInvoices : Migration
{
    public override void Up()
    {
        IfDatabase("PostgreSQL").Create.Sequence("invoice_numbers").InSchema("sales").StartWith(1000);
        IfDatabase("PostgreSQL").Create.Table("invoices").InSchema("sales")
            .WithColumn("number").AsInt64().PrimaryKey().WithDefaultValue(RawSql.Insert("nextval('sales.invoice_numbers')"))
            .WithColumn("order_id").AsInt64().NotNullable().ForeignKey("fk_invoices_orders", "sales", "orders", "id");
        IfDatabase("MySql").Create.Table("invoices")
            .WithColumn("number").AsInt64().PrimaryKey().Identity()
            .WithColumn("order_id").AsInt64().NotNullable().ForeignKey("fk_invoices_orders", "orders", "id");
    }

    public override void Down()
    {
        Delete.Table("invoices").InSchema("sales");
        IfDatabase("PostgreSQL").Delete.Sequence("invoice_numbers").InSchema("sales");
    }
}
