using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary><c>Create.UniqueConstraint("uq").OnTable("t").Columns("a", "b")</c></summary>
public sealed class CreateUniqueConstraintBuilder : ExpressionBuilder<CreateUniqueConstraintExpression>
{
    internal CreateUniqueConstraintBuilder(ExpressionSink sink, string name)
        : base(sink, new CreateUniqueConstraintExpression(name))
    {
    }

    public CreateUniqueConstraintBuilder OnTable(string table)
    {
        Expression.Table = table;
        return this;
    }

    public CreateUniqueConstraintBuilder WithSchema(string schema)
    {
        Expression.Schema = schema;
        return this;
    }

    public CreateUniqueConstraintBuilder InSchema(string schema) => WithSchema(schema);

    public CreateUniqueConstraintBuilder Column(string column) => Columns(column);

    public CreateUniqueConstraintBuilder Columns(params string[] columns)
    {
        Expression.Columns.AddRange(columns);
        return this;
    }
}
