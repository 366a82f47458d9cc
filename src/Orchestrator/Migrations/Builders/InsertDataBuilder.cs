using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Insert.IntoTable("t").InSchema("s").Row(new { a = 1 }).Row(...)</c></summary>
public sealed class InsertDataBuilder : ExpressionBuilder<InsertDataExpression>
{
    internal InsertDataBuilder(ExpressionSink sink, string table)
        : base(sink, new InsertDataExpression(table))
    {
    }

    public InsertDataBuilder InSchema(string schema)
    {
        Expression.Schema = schema;
        return this;
    }

    public InsertDataBuilder Row(object values)
    {
        Expression.Rows.Add(RowValues.From(values));
        return this;
    }
}
