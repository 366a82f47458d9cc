using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

public sealed class RenameTableBuilder : ExpressionBuilder<RenameTableExpression>
{
    internal RenameTableBuilder(ExpressionSink sink, string oldName)
        : base(sink, new RenameTableExpression(null, oldName))
    {
    }

    public RenameTableBuilder InSchema(string schema)
    {
        Update(e => e with { Schema = schema });
        return this;
    }

    public void To(string newName) => Expression.NewName = newName;
}
