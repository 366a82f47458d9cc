using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record CreateTableExpression(string? Schema, string Table) : MigrationExpression
{
    public List<ColumnDefinition> Columns { get; } = [];

    public string? Description { get; set; }

    public override string Describe => $"Create.Table(\"{Table}\")";

    public override MigrationExpression Reverse() => new DeleteTableExpression(Schema, Table) { Databases = Databases };
}
