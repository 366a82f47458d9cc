using Orchestrator.Replication;

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
    /// <summary>For a point-in-time rehearsal: where replay stopped, and the transaction after the target proven absent.</summary>
    public RecoveryPoint? Point { get; init; }

    public bool SchemaVersionMatches => RestoredSchemaVersion == Manifest.SchemaVersion;

    /// <summary>A replay that reached its target proved itself (it fails otherwise); a plain restore matches the manifest.</summary>
    public bool Passed => Point is not null || (SchemaVersionMatches && Mismatches.Count == 0);
}
