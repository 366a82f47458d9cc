using FluentMigrator.Runner.VersionTableInfo;

namespace Orchestrator.Migrations;

/// <summary>
/// Where applied versions are recorded: FluentMigrator's version table as the migrations
/// assembly defines it (an <see cref="IVersionTableMetaData"/> class), or FluentMigrator's
/// default "VersionInfo". The tool's own history table sits in the same schema.
/// </summary>
internal sealed record VersionTable(
    string? SchemaName,
    string TableName,
    string ColumnName,
    string AppliedOnColumnName,
    string DescriptionColumnName,
    string UniqueIndexName,
    bool OwnsSchema,
    bool CreateWithPrimaryKey) : IVersionTableMetaData
{
    public const string HistoryTableName = "orchestrator_history";

    /// <summary>The tool's record of the statements done of a migration still in progress, where schema changes commit one by one (MariaDB).</summary>
    public const string ProgressTableName = "orchestrator_progress";

    /// <summary>The tool's record of each online table copy: its phase, the last key copied, and a heartbeat that tells how far each replica has replayed it.</summary>
    public const string OnlineCopyTableName = "orchestrator_online_copy";

    public static VersionTable Default { get; } = new(null, "VersionInfo", "Version", "AppliedOn", "Description", "UC_Version", true, false);

    public static VersionTable From(IVersionTableMetaData metadata) => new(
        string.IsNullOrEmpty(metadata.SchemaName) ? null : metadata.SchemaName,
        metadata.TableName,
        metadata.ColumnName,
        metadata.AppliedOnColumnName,
        metadata.DescriptionColumnName,
        metadata.UniqueIndexName,
        metadata.OwnsSchema,
        metadata.CreateWithPrimaryKey);
}
