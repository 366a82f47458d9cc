using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary>An expression that names its table (<c>.OnTable("t")</c> or <c>.FromTable("t")</c>) and optionally its schema (<c>.InSchema("s")</c>).</summary>
public sealed class TableStep<TExpression> : ExpressionBuilder<TExpression>
    where TExpression : MigrationExpression
{
    private readonly Func<TExpression, string, TExpression> _withTable;
    private readonly Func<TExpression, string, TExpression> _withSchema;

    internal TableStep(ExpressionSink sink, TExpression expression, Func<TExpression, string, TExpression> withTable, Func<TExpression, string, TExpression> withSchema)
        : base(sink, expression)
    {
        _withTable = withTable;
        _withSchema = withSchema;
    }

    public TableStep<TExpression> OnTable(string table)
    {
        Update(e => _withTable(e, table));
        return this;
    }

    public TableStep<TExpression> FromTable(string table) => OnTable(table);

    public TableStep<TExpression> InSchema(string schema)
    {
        Update(e => _withSchema(e, schema));
        return this;
    }
}
