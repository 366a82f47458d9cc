namespace Orchestrator.Embedding;

/// <summary>Why a migrate run failed (<see cref="OrchestratorMigrationException.Kind"/>), and so what to do.</summary>
public enum MigrationFailureKind
{
    /// <summary>The environment file or <see cref="EnvironmentSpec"/> is invalid; <see cref="OrchestratorMigrationException.Problems"/> lists every problem. Nothing was changed.</summary>
    InvalidEnvironment,

    /// <summary>The migrations cannot run as written, or <see cref="MigratorOptions.Strict"/> refused them. Nothing was changed.</summary>
    InvalidMigrations,

    /// <summary>The servers could not be reached, or not exactly one reports itself primary.</summary>
    Unavailable,

    /// <summary>Another runner held the migration lock for ten minutes. Nothing was changed.</summary>
    LockTimeout,

    /// <summary>A migration failed on the primary; the message says which statement, and what stayed applied.</summary>
    MigrationFailed,

    /// <summary>A migration was applied on the primary, but not every replica replayed it in time; <see cref="OrchestratorMigrationException.Replicas"/> says which.</summary>
    ReplicasBehind,
}
