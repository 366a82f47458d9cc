using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Delete.Column("a").Column("b").FromTable("t").InSchema("s")</c></summary>
public sealed class DeleteColumnBuilder : ExpressionBuilder<DeleteColumnExpression>
{
    internal DeleteColumnBuilder(ExpressionSink sink, string column)
        : base(sink, new DeleteColumnExpression(null, "", [column]))
    {
    }

    public DeleteColumnBuilder Column(string column)
    {
        Update(e => e with { Columns = [.. e.Columns, column] });
        return this;
    }

    public DeleteColumnBuilder FromTable(string table)
    {
        Update(e => e with { Table = table });
        return this;
    }

    public DeleteColumnBuilder InSchema(string schema)
    {
        Update(e => e with { Schema = schema });
        return this;
    }
}
