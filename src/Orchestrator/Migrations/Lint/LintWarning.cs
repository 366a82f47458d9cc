namespace Orchestrator.Migrations.Lint;

/// <summary>A statement that is risky on a replicated primary, with the safer way to write it.</summary>
internal sealed record LintWarning(ProjectMigration Migration, string Problem, string SaferForm)
{
    public override string ToString() => $"migration {Migration.Name}: {Problem}; safer: {SaferForm}";
}
