using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record CreateColumnExpression(string? Schema, string Table, ColumnDefinition Column) : MigrationExpression
{
    public override string Describe => $"Create.Column(\"{Column.Name}\").OnTable(\"{Table}\")";

    public override MigrationExpression Reverse() => new DeleteColumnExpression(Schema, Table, [Column.Name]) { Databases = Databases };
}
