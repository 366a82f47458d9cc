using System.Text;
using Orchestrator.Data;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>Says exactly what a failed migration left behind, and what to do about it.</summary>
internal static class FailureReport
{
    /// <param name="resumable">The statements done are recorded (<see cref="IProgressRecords.RecordStepDone"/>): a rerun goes on at the failed one.</param>
    /// <param name="recordedDone">
    /// How many statements the records say are done, read after the failure; null when unknown.
    /// Whether row changes before a failed schema change committed depends on where it failed (the
    /// server commits before running it, not before a statement it cannot parse); the records,
    /// written in the same transaction, tell.
    /// </param>
    public static string Describe(
        TranslatedMigration translated, bool recorded, int failedStep, DatabaseException error, bool up, bool transactional, bool transactionalDdl, bool resumable = false, int? recordedDone = null)
    {
        var migration = translated.Migration;
        var steps = translated.Steps;
        var report = new StringBuilder();
        report.AppendLine($"migration {migration.Name} ({migration.Description}) failed during {(up ? "migrate" : "rollback")} at statement {failedStep + 1} of {steps.Count}:");
        report.AppendLine($"    {steps[failedStep].Text}");
        report.AppendLine($"  {error.Message}");

        var remaining = recordedDone is { } done && transactional && !transactionalDdl
            ? Enumerable.Range(0, Math.Min(done, failedStep)).ToList()
            : Remaining(steps, failedStep, transactional, transactionalDdl);
        if (remaining.Count == 0)
        {
            report.AppendLine(failedStep > 0 && transactional && transactionalDdl
                ? "Nothing of this migration stayed applied (its transaction was rolled back); earlier migrations stay applied."
                : "Nothing of this migration stayed applied; earlier migrations stay applied.");
            report.Append("Fix the migration, then run the command again.");
            return report.ToString();
        }

        var why = transactional ? "this engine commits schema changes immediately" : "the migration runs without a transaction";
        report.AppendLine($"These statements ran before the failure and stay applied ({why}):");
        foreach (var index in remaining)
        {
            report.AppendLine($"  {index + 1}. {steps[index].Text}");
        }

        if (resumable)
        {
            report.Append(
                $"They are recorded as done in {VersionTable.ProgressTableName}, and the version row of {migration.Version} was not written. Fix the cause (the failed statement itself may be corrected), " +
                $"then run migrate again: it goes on at statement {remaining[^1] + 2}. A statement already done whose text has changed since is refused.");
            return report.ToString();
        }

        report.Append(recorded
            ? $"The version row of {migration.Version} was {(up ? "not written" : "not removed")}. Undo those statements by hand (or make the migration tolerate them), then run the command again."
            : "Undo those statements by hand (or make the migration tolerate them), then run the command again.");
        return report.ToString();
    }

    /// <summary>
    /// The statements before the failing one whose effects survived. With transactional DDL a
    /// rolled-back transaction leaves nothing. Without it each schema change commits; the runner
    /// opens a new transaction after it, so what follows the last schema change rolls back.
    /// </summary>
    private static List<int> Remaining(IReadOnlyList<MigrationStep> steps, int failedStep, bool transactional, bool transactionalDdl)
    {
        var indices = Enumerable.Range(0, failedStep).ToList();
        if (!transactional)
        {
            return indices;
        }

        if (transactionalDdl)
        {
            return [];
        }

        var lastSchemaChange = indices.LastOrDefault(i => steps[i] is SqlStep sql && !StatementKind.IsDataChange(sql.Sql), -1);
        return indices.Where(i => i <= lastSchemaChange).ToList();
    }
}
