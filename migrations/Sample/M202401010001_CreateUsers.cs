using FluentMigrator;

namespace Sample;

[Migration(202401010001, "Create the users table")]
public sealed class M202401010001_CreateUsers : AutoReversingMigration
{
    public override void Up() =>
        Create.Table("users").WithDescription("People who can sign in")
            .WithColumn("id").AsInt32().PrimaryKey().Identity()
            .WithColumn("email").AsString(255).NotNullable().Unique("ux_users_email")
            .WithColumn("display_name").AsString(100).NotNullable()
            .WithColumn("created_at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentUTCDateTime);
}
