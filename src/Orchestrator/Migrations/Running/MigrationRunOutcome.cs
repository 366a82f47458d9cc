namespace Orchestrator.Migrations.Running;

/// <summary>What migrate or rollback did: each migration run with its duration, and the changed-checksum warnings.</summary>
internal sealed record MigrationRunOutcome(IReadOnlyList<(PlannedMigration Step, TimeSpan Elapsed)> Ran, IReadOnlyList<ProjectMigration> ChangedSinceApplied)
{
    /// <summary>The last wait for the replicas: each one's replay of the run's final migration.</summary>
    public IReadOnlyList<ReplicaReplay> Replicas { get; init; } = [];

    /// <summary>Per wait, how long the slowest replica took to confirm: the replicas' replay time as the run saw it.</summary>
    public IReadOnlyList<TimeSpan> ReplayWaits { get; init; } = [];

    /// <summary>Maintenance and profile migrations that ran (they run with every migrate).</summary>
    public IReadOnlyList<string> RecurringRan { get; init; } = [];

    /// <summary>Migrations another runner applied while this one waited for them (SQLite, where no lock spans a run).</summary>
    public IReadOnlyList<ProjectMigration> AppliedElsewhere { get; init; } = [];

    /// <summary>How long the run waited for another runner's migration lock before it began (zero: the lock was free).</summary>
    public TimeSpan LockWaited { get; init; }

    /// <summary>The run stopped before its pending migrations were all applied (<see cref="MigrateOptions.StopBefore"/>).</summary>
    public bool Stopped { get; init; }
}
