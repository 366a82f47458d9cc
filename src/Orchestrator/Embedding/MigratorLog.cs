using Microsoft.Extensions.Logging;

namespace Orchestrator.Embedding;

/// <summary>The log entries of <see cref="OrchestratorMigrator"/>, each with an event id of its own to filter on.</summary>
internal static partial class MigratorLog
{
    [LoggerMessage(EventId = 1, EventName = "MigrationStep", Message = "{Node}: {Step}")]
    public static partial void Step(ILogger logger, LogLevel level, string node, string step);

    [LoggerMessage(EventId = 5, EventName = "MigrationStepDone", Message = "{Node}: {Step} ({Seconds:0.00}s)")]
    public static partial void StepTook(ILogger logger, LogLevel level, string node, string step, double seconds);

    [LoggerMessage(EventId = 2, EventName = "MigrationsApplied", Level = LogLevel.Information,
        Message = "Applied {Migrations} on {Primary} ({Versions}); database '{Database}' is at version {Version}, {Replicas}")]
    public static partial void Applied(ILogger logger, string migrations, string primary, string versions, string database, long? version, string replicas);

    [LoggerMessage(EventId = 3, EventName = "NothingPending", Level = LogLevel.Information,
        Message = "Database '{Database}' on {Primary} is up to date at version {Version}: nothing was pending{Meanwhile}")]
    public static partial void NothingPending(ILogger logger, string database, string primary, long? version, string meanwhile);

    [LoggerMessage(EventId = 4, EventName = "MigrateFailed", Level = LogLevel.Error, Message = "Migrating failed ({Kind}): {Reason}")]
    public static partial void Failed(ILogger logger, MigrationFailureKind kind, string reason);
}
