using Orchestrator.Environments;

namespace Orchestrator.Cli;

internal static class EngineNames
{
    public static string Display(EngineKind engine) => engine switch
    {
        EngineKind.Postgres => "PostgreSQL",
        EngineKind.MariaDb => "MariaDB",
        EngineKind.Sqlite => "SQLite",
        _ => engine.ToString(),
    };
}
