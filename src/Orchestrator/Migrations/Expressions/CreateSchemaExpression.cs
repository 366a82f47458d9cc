namespace Orchestrator.Migrations.Expressions;

public sealed record CreateSchemaExpression(string Schema) : MigrationExpression
{
    public override string Describe => $"Create.Schema(\"{Schema}\")";

    public override MigrationExpression Reverse() => new DeleteSchemaExpression(Schema) { Databases = Databases };
}
