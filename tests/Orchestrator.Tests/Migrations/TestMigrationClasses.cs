using FluentMigrator;
using FluentMigrator.Infrastructure;
using FluentMigrator.Runner.Constraints;
using Orchestrator.Migrations;

namespace Orchestrator.Tests.Migrations;

/// <summary>Small FluentMigrator migrations for the pure unit tests; nothing here touches a database.</summary>
public sealed class EmptyMigration : Migration
{
    public override void Up()
    {
    }

    public override void Down()
    {
    }
}

[CurrentVersionMigrationConstraint(5)]
public sealed class NeedsVersionFive : Migration
{
    public override void Up()
    {
    }

    public override void Down()
    {
    }
}

public sealed class NamesDatabases : Migration
{
    public override void Up()
    {
        IfDatabase("Postgres", "MariaDB").Create.Table("a").WithColumn("id").AsInt32();
        IfDatabase("Postgress").Create.Table("b").WithColumn("id").AsInt32();
        IfDatabase(type => type == "SQLite").Create.Table("c").WithColumn("id").AsInt32();
    }

    public override void Down() => IfDatabase("mysql 8").Delete.Table("a");
}

internal static class Project
{
    public static ProjectMigration Versioned(long version, IMigration? migration = null) =>
        new(new MigrationInfo(version, TransactionBehavior.Default, migration ?? new EmptyMigration()), MigrationKind.Versioned);
}
