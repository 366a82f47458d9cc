using Orchestrator.Migrations.Builders;
using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations;

/// <summary>
/// A versioned change, written like a FluentMigrator migration: mark the class with
/// [Migration(version)], describe the change in <see cref="Up"/> and its undoing in
/// <see cref="Down"/>. A migration that does not override Down cannot be rolled back.
/// </summary>
public abstract class Migration
{
    private List<MigrationExpression>? _expressions;
    private MigrationSources? _sources;

    public abstract void Up();

    public virtual void Down()
    {
    }

    protected CreateRoot Create => Roots(null).Create;

    protected AlterRoot Alter => Roots(null).Alter;

    protected DeleteRoot Delete => Roots(null).Delete;

    protected RenameRoot Rename => Roots(null).Rename;

    protected InsertRoot Insert => Roots(null).Insert;

    protected UpdateRoot Update => Roots(null).Update;

    protected ExecuteRoot Execute => Roots(null).Execute;

    /// <summary>Expressions that apply only to the named engines: "postgres" or "mariadb" (also "PostgreSQL", "MySql").</summary>
    protected DatabaseRoots IfDatabase(params string[] databases) => Roots(databases.Select(EngineName).ToHashSet());

    /// <summary>Runs <paramref name="body"/> (Up or Down) and returns the expressions it described.</summary>
    internal IReadOnlyList<MigrationExpression> Collect(Action body, MigrationSources sources)
    {
        _expressions = [];
        _sources = sources;
        try
        {
            body();
            return _expressions;
        }
        finally
        {
            _expressions = null;
        }
    }

    private DatabaseRoots Roots(IReadOnlySet<string>? databases) => new(new ExpressionSink(
        _expressions ?? throw new InvalidOperationException("migration expressions can only be described inside Up() or Down()"),
        databases,
        _sources!));

    private static string EngineName(string name)
    {
        var lower = name.ToLowerInvariant();
        if (lower.StartsWith("postgres", StringComparison.Ordinal))
        {
            return "postgres";
        }

        if (lower.StartsWith("mariadb", StringComparison.Ordinal) || lower.StartsWith("mysql", StringComparison.Ordinal))
        {
            return "mariadb";
        }

        throw new MigrationDefinitionException($"IfDatabase(\"{name}\"): unknown database; use \"postgres\" or \"mariadb\"");
    }
}
