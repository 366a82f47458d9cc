namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteForeignKeyExpression(string? Schema, string Table, string Name) : MigrationExpression
{
    public override string Describe => $"Delete.ForeignKey(\"{Name}\").OnTable(\"{Table}\")";
}
