namespace Orchestrator.Environments;

/// <summary>When migrate waits for the replicas to replay what the primary committed.</summary>
internal enum ReplayWait
{
    /// <summary>After every migration: a lagging replica stops the run at the first migration it misses.</summary>
    PerMigration,

    /// <summary>Once, after the last migration of the run.</summary>
    PerRun,
}
