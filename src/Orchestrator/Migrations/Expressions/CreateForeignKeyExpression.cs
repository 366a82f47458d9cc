using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record CreateForeignKeyExpression(ForeignKeyDefinition ForeignKey) : MigrationExpression
{
    public override string Describe => $"Create.ForeignKey(\"{ForeignKey.EffectiveName}\").FromTable(\"{ForeignKey.ForeignTable}\")";

    public override MigrationExpression Reverse() =>
        new DeleteForeignKeyExpression(ForeignKey.ForeignSchema, ForeignKey.ForeignTable ?? "", ForeignKey.EffectiveName) { Databases = Databases };
}
