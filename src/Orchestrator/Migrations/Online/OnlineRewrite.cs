using FluentMigrator;
using FluentMigrator.Expressions;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Online;

/// <summary>
/// Turns a pending versioned migration into its online form: each expression on a table that
/// existed before the run takes the engine's online form, the statements moved out of the
/// transaction run after it. A migration the environment lists as offline, or whose expressions
/// have no online form, keeps its statements; either way each statement is told its cost. Pure: no I/O.
/// </summary>
internal static class OnlineRewrite
{
    /// <param name="online">False for a migration the environment runs as written: only its costs are told.</param>
    /// <param name="withCosts">Tell each statement's cost (<see cref="TranslatedMigration.Costs"/>); without, a migration with no online form comes back as it is.</param>
    /// <param name="current">The columns' types before the run (none: a type change is taken as one that keeps the type).</param>
    public static TranslatedMigration Apply(
        TranslatedMigration migration, IReadOnlySet<string> createdBefore, IOnlineForms forms, IMigrationGenerator generator, bool online = true, bool withCosts = true, ColumnTypes? current = null)
    {
        if (migration.Migration.Kind != MigrationKind.Versioned || migration.PreparedAtItsTurnBecause is not null || migration.Origins.Count != migration.Steps.Count)
        {
            return migration;
        }

        var created = new HashSet<string>(createdBefore, StringComparer.Ordinal);
        var steps = new List<MigrationStep>();
        var origins = new List<int>();
        var costs = new List<StatementCost?>();
        var after = new List<OnlineStep>();
        var changes = new List<OnlineChange>();
        var stepsOf = migration.Steps.Zip(migration.Origins).ToLookup(p => p.Second, p => p.First);
        for (var i = 0; i < migration.Expressions.Count; i++)
        {
            var expression = migration.Expressions[i];
            var written = stepsOf[i].ToList();
            if (expression is CreateTableExpression table)
            {
                created.Add(table.TableName);
            }

            var onNewTable = ExpressionTables.Of(expression) is { } changed && created.Contains(changed);
            var form = online && written.Count > 0 && !onNewTable ? forms.OnlineForm(expression, written, generator, current ?? ColumnTypes.None) : null;
            if (form is { Defers: true } && NeededLater(migration.Expressions, stepsOf, i, form.Table, copies: form.After.Any(a => a.Copy is not null)) is { } why)
            {
                changes.Add(new OnlineChange(i, $"{form.Note}: not done, it runs as written because {why}", Applied: false));
                form = null;
            }

            if (form is not null)
            {
                changes.Add(new OnlineChange(i, form.Note, Applied: true));
            }

            var inPlace = form?.InPlace ?? written;
            steps.AddRange(inPlace);
            origins.AddRange(Enumerable.Repeat(i, inPlace.Count));
            if (withCosts)
            {
                costs.AddRange(inPlace.Select(step => onNewTable ? StatementCost.NewTable : step switch
                {
                    SqlStep sql => forms.Cost(sql.Sql),
                    CheckStep => StatementCost.Read,
                    _ => null,
                }));
            }

            after.AddRange(form?.After ?? []);
        }

        return changes.Count == 0 && !withCosts ? migration : migration with { Steps = steps, Origins = origins, Costs = costs, After = after, OnlineChanges = changes };
    }

    /// <summary>
    /// Why a later statement of the migration may need what expression <paramref name="index"/>
    /// makes before the transaction ends (a foreign key that references the table needs its unique
    /// index; code the tool cannot read, or SQL that names the table, may use it), or null.
    /// </summary>
    /// <param name="copies">The form copies the table after the transaction: anything later on the same table would see the old type (an update would store values the old way).</param>
    private static string? NeededLater(IReadOnlyList<IMigrationExpression> expressions, ILookup<int, MigrationStep> stepsOf, int index, string table, bool copies)
    {
        for (var j = index + 1; j < expressions.Count; j++)
        {
            var later = expressions[j];
            if (copies && string.Equals(ExpressionTables.Of(later), table, StringComparison.Ordinal))
            {
                return $"a later statement of the migration changes \"{table}\" too and must see the new type";
            }

            bool Mentions() => stepsOf[j].Any(step => step.Text.Contains(table, StringComparison.OrdinalIgnoreCase));
            switch (later)
            {
                case CreateForeignKeyExpression fk when string.Equals(fk.ForeignKey.PrimaryTable, table, StringComparison.Ordinal):
                    return $"foreign key \"{fk.ForeignKey.Name}\" later in the migration references \"{table}\"";
                case PerformDBOperationExpression:
                    return "code later in the migration (Execute.WithConnection) may use it";
                case ExecuteSqlStatementExpression or ExecuteSqlScriptExpressionBase when Mentions():
                    return $"SQL later in the migration (Execute.Sql or a script) names \"{table}\"";
            }
        }

        return null;
    }
}
