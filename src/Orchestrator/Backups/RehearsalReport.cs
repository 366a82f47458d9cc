namespace Orchestrator.Backups;

/// <summary>
/// What a rehearsal proved: each step's duration, whether the restored data matched the
/// manifest table by table, and (with --migrate) what the pending migrations did to it. The
/// recovery-time estimate is the time until a verified (and migrated) copy was ready; tearing
/// down is not part of it.
/// </summary>
internal sealed record RehearsalReport(
    BackupManifest Manifest,
    IReadOnlyList<RehearsalStep> Steps,
    TimeSpan RecoveryTimeEstimate,
    long? RestoredSchemaVersion,
    IReadOnlyList<TableMismatch> Mismatches,
    IReadOnlyList<long> MigrationsApplied,
    long? FinalSchemaVersion,
    string? KeptAt)
{
    public bool SchemaVersionMatches => RestoredSchemaVersion == Manifest.SchemaVersion;

    public bool Passed => SchemaVersionMatches && Mismatches.Count == 0;
}
