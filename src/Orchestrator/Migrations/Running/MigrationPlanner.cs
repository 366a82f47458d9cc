using FluentMigrator.Runner.Constraints;
using FluentMigrator.Runner.Initialization;
using FluentMigrator.Runner.Versioning;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// Decides which versioned migrations migrate and rollback run, by FluentMigrator's rules: up,
/// those not applied, at most the target, whose migration constraints (such as
/// [CurrentVersionMigrationConstraint]) accept the database's versions as they were when the run
/// began; down, the applied ones newer than the target, newest first. Pure: no I/O.
/// </summary>
internal static class MigrationPlanner
{
    public static IReadOnlyList<(ProjectMigration Migration, bool OutOfOrder)> SelectUp(
        IReadOnlyList<ProjectMigration> migrations, IReadOnlyList<AppliedMigration> applied, long? to, Func<ProjectMigration, bool>? only = null)
    {
        var versions = new VersionInfo();
        foreach (var version in applied.Select(a => a.Version))
        {
            versions.AddAppliedMigration(version);
        }

        var newest = applied.Count == 0 ? long.MinValue : applied.Max(a => a.Version);
        var context = new MigrationConstraintContext { RunnerOptions = new RunnerOptions(), VersionInfo = versions };
        return migrations
            .Where(m => !versions.HasAppliedMigration(m.Version) && (to is null || m.Version <= to) && (only is null || only(m)))
            .Where(m => m.Type.GetCustomAttributes(inherit: true).OfType<MigrationConstraintAttribute>().All(c => c.ShouldRun(context)))
            .Select(m => (m, m.Version < newest))
            .ToList();
    }

    /// <summary>
    /// The applied migrations above <paramref name="to"/>, newest first. A <paramref name="to"/>
    /// that is no migration's version (a typo, a digit dropped) is refused rather than taken as a
    /// bound: it would undo far more than meant.
    /// </summary>
    public static IReadOnlyList<ProjectMigration> SelectDown(IReadOnlyList<ProjectMigration> migrations, IReadOnlyList<AppliedMigration> applied, long to)
    {
        if (to != 0 && !migrations.Any(m => m.Version == to) && !applied.Any(a => a.Version == to))
        {
            throw new MigrationDefinitionException(
                $"--to {to} is not the version of any migration, selected or applied; a rollback keeps every migration up to and including --to: " +
                "give one of their versions ('history' lists them), or 0 to roll back every migration");
        }

        var steps = new List<ProjectMigration>();
        foreach (var record in applied.Where(a => a.Version > to).OrderByDescending(a => a.Version))
        {
            steps.Add(migrations.FirstOrDefault(m => m.Version == record.Version)
                ?? throw new MigrationDefinitionException(
                    $"version {record.Version} is applied, but no selected migration has that version (check migrations.tags and namespace); it cannot be rolled back from here"));
        }

        return steps;
    }
}
