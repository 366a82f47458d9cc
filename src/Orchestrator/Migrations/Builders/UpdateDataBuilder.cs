using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Update.Table("t").Set(new { a = 1 }).Where(new { id = 2 })</c> or <c>.AllRows()</c></summary>
public sealed class UpdateDataBuilder : ExpressionBuilder<UpdateDataExpression>
{
    internal UpdateDataBuilder(ExpressionSink sink, string table)
        : base(sink, new UpdateDataExpression(table))
    {
    }

    public UpdateDataBuilder InSchema(string schema)
    {
        Expression.Schema = schema;
        return this;
    }

    public UpdateDataBuilder Set(object values)
    {
        Expression.Set = RowValues.From(values);
        return this;
    }

    public void Where(object conditions) => Expression.Where = RowValues.From(conditions);

    public void AllRows() => Expression.AllRows = true;
}
