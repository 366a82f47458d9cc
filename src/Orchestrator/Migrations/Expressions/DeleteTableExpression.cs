namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteTableExpression(string? Schema, string Table) : MigrationExpression
{
    public override string Describe => $"Delete.Table(\"{Table}\")";
}
