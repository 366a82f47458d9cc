namespace Orchestrator.Migrations.Expressions;

/// <summary>
/// One change a migration asks for. Generators turn it into SQL text; the runner executes that.
/// </summary>
public abstract record MigrationExpression
{
    /// <summary>The engines this applies to (from IfDatabase), or null for every engine.</summary>
    public IReadOnlySet<string>? Databases { get; init; }

    /// <summary>How FluentMigrator would write it, for messages: <c>Create.Table("users")</c>.</summary>
    public abstract string Describe { get; }

    /// <summary>The expression that undoes this one, or null when it cannot be reversed automatically.</summary>
    public virtual MigrationExpression? Reverse() => null;
}
