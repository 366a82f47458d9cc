using FluentMigrator.Expressions;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Lint;

/// <summary>
/// Flags statements that take long locks or rewrite large tables on a replicated primary (where
/// every replica then replays the same rewrite); what is risky is the engine's to say. Only
/// tables that existed before the run count: one created earlier in the same run is empty, so
/// nothing blocks on it. What runs in its online form is not risky. Pure: no I/O.
/// </summary>
internal static class ReplicationSafetyLint
{
    public static IReadOnlyList<LintWarning> Check(IReadOnlyList<TranslatedMigration> pending, IMigrationChecks dialect)
    {
        var created = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new List<LintWarning>();
        foreach (var migration in pending)
        {
            foreach (var (index, expression) in migration.Expressions.Index())
            {
                if (expression is CreateTableExpression table)
                {
                    created.Add(table.TableName);
                }
                else if (!migration.OnlineChanges.Any(c => c.Applied && c.Expression == index) && dialect.Lint(migration.Migration, expression, created) is { } warning)
                {
                    warnings.Add(warning);
                }
            }
        }

        return warnings;
    }
}
