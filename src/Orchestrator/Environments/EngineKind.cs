namespace Orchestrator.Environments;

internal enum EngineKind
{
    Postgres,
    MariaDb,

    /// <summary>A single database file, for development: no servers, no replicas.</summary>
    Sqlite,
}
