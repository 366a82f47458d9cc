namespace Orchestrator.Migrations.Expressions;

/// <summary>SQL written by the migration author, run as given (from Execute.Sql, Execute.Script or Execute.EmbeddedScript).</summary>
public sealed record ExecuteSqlExpression(string Sql, string Source) : MigrationExpression
{
    public override string Describe => Source;
}
