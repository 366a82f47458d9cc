namespace Orchestrator.Migrations.Running;

/// <summary>
/// A version recorded in the database: the VersionInfo row, and the tool's history row when
/// the tool applied it (a FluentMigrator-applied version has no checksum, duration or origin).
/// A null duration when recording asks the store to measure it on the server, where it can.
/// </summary>
internal sealed record AppliedMigration(long Version, DateTime? AppliedOn, string? Description, string? Checksum, long? DurationMs, string? AppliedFrom);
