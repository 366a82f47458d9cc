using Orchestrator.Drift;

namespace Orchestrator.Tests.Drift;

public sealed class SchemaComparerTests
{
    [Fact]
    public void Equal_schemas_have_equal_fingerprints_and_no_differences()
    {
        var (left, right) = (Shape(), Shape());

        Assert.Empty(SchemaComparer.Compare(left, right));
        Assert.Equal(left.Fingerprint(), right.Fingerprint());
    }

    [Fact]
    public void Reports_each_difference_table_by_table()
    {
        var left = Shape();
        var right = Shape();
        right.Table("public.users").Columns["email"] = "text NULL";
        right.Table("public.users").Indexes.Remove("ix_users_email");
        right.Table("public.audit").Columns["id"] = "integer NOT NULL";

        var differences = SchemaComparer.Compare(left, right);

        Assert.Equal(
            [
                new DriftItem("public.audit", "table", "public.audit", null, "present"),
                new DriftItem("public.users", "column", "email", "varchar(255) NOT NULL", "text NULL"),
                new DriftItem("public.users", "index", "ix_users_email", "CREATE UNIQUE INDEX ix_users_email ON public.users (email)", null),
            ],
            differences);
        Assert.NotEqual(left.Fingerprint(), right.Fingerprint());
    }

    private static SchemaShape Shape()
    {
        var shape = new SchemaShape();
        var users = shape.Table("public.users");
        users.Columns["id"] = "integer NOT NULL";
        users.Columns["email"] = "varchar(255) NOT NULL";
        users.Indexes["ix_users_email"] = "CREATE UNIQUE INDEX ix_users_email ON public.users (email)";
        users.Constraints["PK_users"] = "PRIMARY KEY (id)";
        return shape;
    }
}
