namespace Orchestrator.Embedding;

/// <summary>The database servers an <see cref="EnvironmentSpec"/> describes.</summary>
public enum DatabaseEngine
{
    /// <summary>PostgreSQL 15, physical streaming replication.</summary>
    Postgres,

    /// <summary>MariaDB 10.11, GTID replication.</summary>
    MariaDb,
}
