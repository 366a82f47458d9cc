using FluentMigrator.Expressions;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Whether a step's effect is already in the schema: the statement a killed run sent last may
/// have committed (a schema change commits on its own) before its record did. Only a step that is
/// the whole of a FluentMigrator expression with a visible effect can be told; SQL the tool does
/// not read cannot.
/// </summary>
internal static class StepEffects
{
    /// <returns>True or false; null when the schema cannot tell.</returns>
    public static bool? Present(TranslatedMigration migration, int step, ISchemaQuestions schema)
    {
        if (migration.Origins.Count != migration.Steps.Count || step >= migration.Steps.Count)
        {
            return null;
        }

        var origin = migration.Origins[step];
        if (migration.Origins.Count(o => o == origin) != 1)
        {
            return null;
        }

        return migration.Expressions[origin] switch
        {
            CreateTableExpression e => schema.TableExists(e.SchemaName, e.TableName),
            CreateColumnExpression e => schema.ColumnExists(e.SchemaName, e.TableName, e.Column.Name),
            CreateIndexExpression e => schema.IndexExists(e.Index.SchemaName, e.Index.TableName, e.Index.Name),
            CreateForeignKeyExpression e => schema.ConstraintExists(e.ForeignKey.ForeignTableSchema, e.ForeignKey.ForeignTable, e.ForeignKey.Name),
            CreateConstraintExpression e => schema.ConstraintExists(e.Constraint.SchemaName, e.Constraint.TableName, e.Constraint.ConstraintName)
                || schema.IndexExists(e.Constraint.SchemaName, e.Constraint.TableName, e.Constraint.ConstraintName),
            DeleteTableExpression e => !schema.TableExists(e.SchemaName, e.TableName),
            DeleteColumnExpression e => e.ColumnNames.All(c => !schema.ColumnExists(e.SchemaName, e.TableName, c)),
            DeleteIndexExpression e => !schema.IndexExists(e.Index.SchemaName, e.Index.TableName, e.Index.Name),
            RenameColumnExpression e => schema.ColumnExists(e.SchemaName, e.TableName, e.NewName) && !schema.ColumnExists(e.SchemaName, e.TableName, e.OldName),
            RenameTableExpression e => schema.TableExists(e.SchemaName, e.NewName) && !schema.TableExists(e.SchemaName, e.OldName),
            _ => null,
        };
    }

    /// <summary>
    /// For each step, whether it needs no record that it is done: it is the whole of an expression
    /// that creates something the schema can be asked about, and every later step of the migration
    /// only creates or changes rows, so nothing takes its effect away before the migration
    /// finishes. A run killed after it leaves the effect itself as the evidence
    /// (<see cref="ResumePoint"/> looks for it), and the commit a record would cost is saved.
    /// One pass from the last step back: a migration may have thousands of steps (rows to seed).
    /// </summary>
    public static IReadOnlyList<bool> EvidentSteps(TranslatedMigration migration)
    {
        var evident = new bool[migration.Steps.Count];
        if (migration.After.Count > 0 || migration.Origins.Count != migration.Steps.Count)
        {
            return evident;
        }

        var stepsOf = migration.Origins.CountBy(o => o).ToDictionary();
        var onlyAdditionsAfter = true;
        for (var step = migration.Steps.Count - 1; step >= 0; step--)
        {
            var expression = migration.Expressions[migration.Origins[step]];
            evident[step] = onlyAdditionsAfter && IsCreation(expression) && stepsOf[migration.Origins[step]] == 1;
            onlyAdditionsAfter &= migration.Steps[step] is CheckStep || IsCreation(expression) || IsRowChange(expression);
        }

        return evident;
    }

    private static bool IsCreation(IMigrationExpression expression) =>
        expression is CreateTableExpression or CreateColumnExpression or CreateIndexExpression or CreateForeignKeyExpression or CreateConstraintExpression;

    private static bool IsRowChange(IMigrationExpression expression) => expression is InsertDataExpression or UpdateDataExpression or DeleteDataExpression;

    /// <summary>
    /// The form an earlier run started a migration in: whether a statement runs in its online form
    /// depends on the run (a table created earlier in the same run is changed as written; the
    /// environment's offline list may have changed since), and a resumed migration must go on with
    /// the statements it started with. <paramref name="planned"/> when its recorded steps all match,
    /// else the first of <paramref name="alternatives"/> (produced only as needed) that matches,
    /// else <paramref name="planned"/> (its resume point refuses it).
    /// </summary>
    public static TranslatedMigration FormStartedIn(TranslatedMigration planned, IEnumerable<TranslatedMigration> alternatives, IReadOnlyList<DoneStep> done) =>
        FirstChanged(planned, done) is null ? planned : alternatives.FirstOrDefault(form => FirstChanged(form, done) is null) ?? planned;

    /// <summary>The first recorded step whose statement the migration no longer has as it ran; null when all match.</summary>
    private static DoneStep? FirstChanged(TranslatedMigration migration, IReadOnlyList<DoneStep> done) =>
        done.Where(d => !d.IsStartMark).OrderBy(d => d.Step)
            .FirstOrDefault(record => record.Step >= migration.Steps.Count || TranslatedMigration.ChecksumOf([migration.Steps[record.Step]]) != record.Checksum);

    /// <summary>
    /// Where a migration an earlier run left partly applied goes on: after the statements done
    /// (<see cref="DoneStep.StatementsDone"/>), then after each next one whose effect is already
    /// in the schema: a run of <see cref="EvidentSteps"/> steps (never recorded), and at most one other
    /// (killed between its statement and its record). A recorded step whose text has changed is refused.
    /// </summary>
    /// <param name="foundInSchema">How many of the statements before the returned point were found done in the schema rather than in the records.</param>
    public static int ResumePoint(TranslatedMigration migration, IReadOnlyList<DoneStep> done, ISchemaQuestions schema, out int foundInSchema)
    {
        var resumeAt = DoneStep.StatementsDone(done);
        if (FirstChanged(migration, done) is { } record)
        {
            var now = record.Step >= migration.Steps.Count ? "the migration now has fewer statements" : $"it now reads: {migration.Steps[record.Step].Text}";
            throw new MigrationFailedException(
                $"migration {migration.Migration.Name} is partly applied: an earlier run did its statements 1 to {resumeAt}, and statement {record.Step + 1} has changed since ({now}). " +
                $"Restore the migration as it ran and run migrate again to finish it, or undo what it did by hand and delete its rows from {VersionTable.ProgressTableName}; a change belongs in a new migration.",
                new InvalidOperationException("a done statement's checksum differs"));
        }

        foundInSchema = 0;
        var evidentSteps = EvidentSteps(migration);
        while (resumeAt < migration.Steps.Count && Present(migration, resumeAt, schema) == true)
        {
            var evident = evidentSteps[resumeAt];
            resumeAt++;
            foundInSchema++;
            if (!evident)
            {
                break;
            }
        }

        return resumeAt;
    }
}
