namespace Orchestrator.Migrations.Running;

/// <summary>What migrate or rollback would do, and the applied migrations whose SQL has changed since.</summary>
public sealed record MigrationPlan(
    IReadOnlyList<PlannedMigration> Steps,
    IReadOnlyList<AppliedMigration> Applied,
    IReadOnlyList<MigrationInfo> ChangedSinceApplied);
