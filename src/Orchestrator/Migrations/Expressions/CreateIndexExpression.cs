using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record CreateIndexExpression(IndexDefinition Index) : MigrationExpression
{
    public override string Describe => $"Create.Index(\"{Index.EffectiveName}\").OnTable(\"{Index.Table}\")";

    public override MigrationExpression Reverse() =>
        new DeleteIndexExpression(Index.Schema, Index.Table ?? "", Index.EffectiveName) { Concurrently = Index.Concurrently, Databases = Databases };
}
