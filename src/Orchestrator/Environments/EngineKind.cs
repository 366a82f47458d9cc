namespace Orchestrator.Environments;

public enum EngineKind
{
    Postgres,
    MariaDb,
}
