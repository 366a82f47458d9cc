using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations.Running;

/// <summary>What migrate or rollback would do, and the applied migrations whose SQL has changed since.</summary>
internal sealed record MigrationPlan(
    IReadOnlyList<PlannedMigration> Steps,
    IReadOnlyList<AppliedMigration> Applied,
    IReadOnlyList<ProjectMigration> ChangedSinceApplied)
{
    /// <summary>Statements in the pending migrations that are risky on a replicated primary.</summary>
    public IReadOnlyList<LintWarning> Warnings { get; init; } = [];

    /// <summary>Maintenance and profile migrations that run with every migrate (never recorded), as they would run now.</summary>
    public IReadOnlyList<TranslatedMigration> Recurring { get; init; } = [];

    /// <summary>Applied migrations whose SQL depends on what the database holds (they ask schema questions): their checksums cannot be compared.</summary>
    public IReadOnlyList<ProjectMigration> NotComparable { get; init; } = [];

    /// <summary>Pending migrations an earlier run started and did not finish.</summary>
    public IReadOnlyList<MigrationInProgress> InProgress { get; init; } = [];

    /// <summary>Names given to IfDatabase that match no database FluentMigrator knows, per migration.</summary>
    public IReadOnlyList<(ProjectMigration Migration, string Name)> UnknownDatabaseNames { get; init; } = [];
}
