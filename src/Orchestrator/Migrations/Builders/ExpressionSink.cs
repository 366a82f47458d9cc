using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations.Builders;

/// <summary>Where builders put the expressions they create, tagged with IfDatabase's engines.</summary>
internal sealed class ExpressionSink(List<MigrationExpression> expressions, IReadOnlySet<string>? databases, MigrationSources sources)
{
    public MigrationSources Sources => sources;

    public T Add<T>(T expression)
        where T : MigrationExpression
    {
        var tagged = expression with { Databases = databases };
        expressions.Add(tagged);
        return tagged;
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="current"/> stands (builders refine immutable expressions).</summary>
    public T Replace<T>(T current, T replacement)
        where T : MigrationExpression
    {
        var index = expressions.FindIndex(e => ReferenceEquals(e, current));
        expressions[index] = replacement;
        return replacement;
    }
}
