using FluentMigrator.Expressions;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Lint;

/// <summary>
/// Names the engine will shorten (PostgreSQL keeps 63 bytes of any name): a warning that says
/// which name the server keeps, since drift, rollbacks and queries meet that one. Two names of
/// the run that would be shortened to the same one in the same scope are refused before
/// anything runs, since the second would fail, or hit the first's object. Pure: no I/O.
/// </summary>
internal static class IdentifierLint
{
    /// <exception cref="MigrationDefinitionException">Two names of the run would become one.</exception>
    public static IReadOnlyList<LintWarning> Check(IReadOnlyList<TranslatedMigration> pending, IMigrationChecks dialect)
    {
        var warnings = new List<LintWarning>();
        var kept = new Dictionary<(string Scope, string Kept), (TranslatedMigration Migration, string Name)>();
        foreach (var migration in pending)
        {
            foreach (var expression in migration.Expressions)
            {
                foreach (var (kind, name) in ExpressionIdentifiers.Of(expression))
                {
                    if (dialect.KeptName(name) is not { } shortened)
                    {
                        continue;
                    }

                    var key = (ExpressionIdentifiers.ScopeOf(expression, kind), shortened);
                    if (kept.TryGetValue(key, out var other) && other.Name != name)
                    {
                        throw new MigrationDefinitionException(
                            $"migration {migration.Migration.Name}: {kind} '{name}' and '{other.Name}' (migration {other.Migration.Migration.Name}) are both longer than the " +
                            $"{dialect.NameLimit} the engine keeps, and both would become '{shortened}'; give one of them a shorter name");
                    }

                    kept[key] = (migration, name);
                    warnings.Add(new LintWarning(
                        migration.Migration,
                        $"{kind} '{name}' is longer than the {dialect.NameLimit} the engine keeps; the server will name it '{shortened}'",
                        $"a name within {dialect.NameLimit} (FluentMigrator's WithName, or the name argument), so that what the code says is what the server has"));
                }
            }
        }

        return warnings;
    }
}
