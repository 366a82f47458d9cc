namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteSchemaExpression(string Schema) : MigrationExpression
{
    public override string Describe => $"Delete.Schema(\"{Schema}\")";
}
