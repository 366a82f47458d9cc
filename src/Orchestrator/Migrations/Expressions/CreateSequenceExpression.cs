using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record CreateSequenceExpression(SequenceDefinition Sequence) : MigrationExpression
{
    public override string Describe => $"Create.Sequence(\"{Sequence.Name}\")";

    public override MigrationExpression Reverse() => new DeleteSequenceExpression(Sequence.Schema, Sequence.Name) { Databases = Databases };
}
