using FluentMigrator;

namespace Orchestrator.TestMigrations.Shared;

/// <summary>A base class a team shares between its migration projects.</summary>
public abstract class SingleTableMigration(string table) : Migration
{
    public override void Up() => Create.Table(table).WithColumn("id").AsInt32().PrimaryKey();

    public override void Down() => Delete.Table(table);
}
