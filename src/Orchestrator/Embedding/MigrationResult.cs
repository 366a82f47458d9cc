namespace Orchestrator.Embedding;

/// <summary>What <see cref="OrchestratorMigrator.MigrateAsync"/> did: the versions it applied and the replicas that confirmed them, or that nothing was pending.</summary>
public sealed record MigrationResult
{
    /// <summary>The database migrated.</summary>
    public required string Database { get; init; }

    /// <summary>The node that reported itself primary, where the migrations ran.</summary>
    public required string Primary { get; init; }

    /// <summary>The migrations this run applied, in order; empty when nothing was pending.</summary>
    public IReadOnlyList<AppliedVersion> Applied { get; init; } = [];

    /// <summary>Pending migrations another runner applied while this one waited for them (SQLite, where no lock spans a run).</summary>
    public IReadOnlyList<long> AppliedByOthers { get; init; } = [];

    /// <summary>
    /// Each replica's replay of the run's last migration. A run returns only once every replica
    /// replayed every migration it applied, so here each one has <see cref="ReplicaReplayStatus.Replayed"/>;
    /// empty when nothing was applied or the environment has no replicas.
    /// </summary>
    public IReadOnlyList<ReplicaReplayStatus> Replicas { get; init; } = [];

    /// <summary>The newest applied version after the run; null when none is applied.</summary>
    public long? Version { get; init; }

    /// <summary>How long the run waited for another runner's migration lock (zero: the lock was free).</summary>
    public TimeSpan LockWaited { get; init; }

    /// <summary>True when the run applied nothing: every selected migration was applied already once it held the lock.</summary>
    public bool NothingPending => Applied.Count == 0;
}
