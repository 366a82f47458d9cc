using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Processes;
using Orchestrator.Shards;
using Orchestrator.Replication;
using Orchestrator.State;

namespace Orchestrator.Embedding;

/// <summary>The failures a migrate run anticipates, as the <see cref="OrchestratorMigrationException"/> a program can act on (the command line's exit codes, typed).</summary>
internal static class MigrationFailures
{
    /// <summary>
    /// The typed failure of <paramref name="e"/>, or null for a failure nobody anticipated (a defect),
    /// which goes up as it is. <paramref name="opening"/>: thrown before the lock was asked for, while
    /// the migrations were loaded and the primary looked for, so nothing was applied.
    /// </summary>
    public static OrchestratorMigrationException? Classify(Exception e, bool opening) => e switch
    {
        OrchestratorMigrationException typed => typed,
        InvalidEnvironmentException invalid => Invalid(invalid.Diagnostics, file: true),
        MissingPasswordException or StateDirectoryConflictException or ShardSelectionException or ExternalEnvironmentException =>
            new(MigrationFailureKind.InvalidEnvironment, e.Message, e) { Problems = [e.Message] },
        MigrationDefinitionException or ChecksumMismatchException or ReplicationSafetyException => new(MigrationFailureKind.InvalidMigrations, e.Message, e),
        ReplicationLagException lag => new(MigrationFailureKind.ReplicasBehind, Redactor.Redact(e.Message), e) { Replicas = [.. lag.Replicas.Select(Status)] },
        // The lock's wait gives up with a TimeoutException inside (MigrationRunner.UnderLockAsync).
        MigrationFailedException { InnerException: TimeoutException } => new(MigrationFailureKind.LockTimeout, Redactor.Redact(e.Message), e),
        // While opening, the only MigrationFailedException is the search for the primary.
        MigrationFailedException when opening => new(MigrationFailureKind.Unavailable, Redactor.Redact(e.Message), e),
        MigrationFailedException => new(MigrationFailureKind.MigrationFailed, Redactor.Redact(e.Message), e),
        DatabaseException or LocalProviderException or ProcessFailedException => new(MigrationFailureKind.Unavailable, Redactor.Redact(e.Message), e),
        _ => null,
    };

    /// <summary>Every problem of an environment, each with its place in the file (a spec's have no file to point into).</summary>
    public static OrchestratorMigrationException Invalid(IReadOnlyList<Diagnostic> diagnostics, bool file)
    {
        var problems = diagnostics.Select(d => file ? $"{d.Location}: {d.Message}" : d.Message).ToList();
        var where = diagnostics.Count > 0 ? diagnostics[0].Location.File : "the environment";
        return new(MigrationFailureKind.InvalidEnvironment, $"{Counted.Of(problems.Count, "problem")} in {where}; nothing was done: {string.Join("; ", problems)}") { Problems = problems };
    }

    public static ReplicaReplayStatus Status(ReplicaReplay replay) => new(replay.Node, replay.Replayed, replay.Waited, replay.Failure?.Detail);
}
