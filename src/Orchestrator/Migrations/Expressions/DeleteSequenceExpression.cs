namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteSequenceExpression(string? Schema, string Name) : MigrationExpression
{
    public override string Describe => $"Delete.Sequence(\"{Name}\")";
}
