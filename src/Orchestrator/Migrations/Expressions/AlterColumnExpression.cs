using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

/// <summary>Changes a column to the given definition: its type, nullability and default.</summary>
public sealed record AlterColumnExpression(string? Schema, string Table, ColumnDefinition Column) : MigrationExpression
{
    public override string Describe => $"Alter.Column(\"{Column.Name}\").OnTable(\"{Table}\")";
}
