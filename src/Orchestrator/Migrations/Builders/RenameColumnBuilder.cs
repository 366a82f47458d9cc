using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

public sealed class RenameColumnBuilder : ExpressionBuilder<RenameColumnExpression>
{
    internal RenameColumnBuilder(ExpressionSink sink, string oldName)
        : base(sink, new RenameColumnExpression(oldName))
    {
    }

    public RenameColumnBuilder OnTable(string table)
    {
        Expression.Table = table;
        return this;
    }

    public RenameColumnBuilder InSchema(string schema)
    {
        Expression.Schema = schema;
        return this;
    }

    public void To(string newName) => Expression.NewName = newName;
}
