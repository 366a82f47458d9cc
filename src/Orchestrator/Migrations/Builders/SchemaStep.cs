using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary>An expression whose only option is its schema: <c>.InSchema("s")</c>.</summary>
public sealed class SchemaStep<TExpression> : ExpressionBuilder<TExpression>
    where TExpression : MigrationExpression
{
    private readonly Func<TExpression, string, TExpression> _withSchema;

    internal SchemaStep(ExpressionSink sink, TExpression expression, Func<TExpression, string, TExpression> withSchema)
        : base(sink, expression) => _withSchema = withSchema;

    public void InSchema(string schema) => Update(e => _withSchema(e, schema));
}
