using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Delete.FromTable("t").Row(new { id = 1 })</c> or <c>.AllRows()</c></summary>
public sealed class DeleteDataBuilder : ExpressionBuilder<DeleteDataExpression>
{
    internal DeleteDataBuilder(ExpressionSink sink, string table)
        : base(sink, new DeleteDataExpression(table))
    {
    }

    public DeleteDataBuilder InSchema(string schema)
    {
        Expression.Schema = schema;
        return this;
    }

    public DeleteDataBuilder Row(object conditions)
    {
        Expression.Rows.Add(RowValues.From(conditions));
        return this;
    }

    public void AllRows() => Expression.AllRows = true;
}
