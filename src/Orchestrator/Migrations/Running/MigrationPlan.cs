namespace Orchestrator.Migrations.Running;

/// <summary>What migrate or rollback would do, and the applied migrations whose SQL has changed since.</summary>
public sealed record MigrationPlan(
    IReadOnlyList<PlannedMigration> Steps,
    IReadOnlyList<AppliedMigration> Applied,
    IReadOnlyList<MigrationInfo> ChangedSinceApplied)
{
    /// <summary>Statements in the pending migrations that are risky on a replicated primary.</summary>
    public IReadOnlyList<Lint.LintWarning> Warnings { get; init; } = [];
}
