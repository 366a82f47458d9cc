using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary>Holds the expression a builder refines; each refinement replaces it in the migration's list.</summary>
public abstract class ExpressionBuilder<TExpression>
    where TExpression : MigrationExpression
{
    internal ExpressionBuilder(ExpressionSink sink, TExpression expression)
    {
        Sink = sink;
        Expression = sink.Add(expression);
    }

    internal ExpressionSink Sink { get; }

    internal TExpression Expression { get; private set; }

    internal void Update(Func<TExpression, TExpression> change) => Expression = Sink.Replace(Expression, change(Expression));
}
