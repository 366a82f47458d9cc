using Orchestrator.Engines.MariaDb;
using Orchestrator.Engines.Postgres;
using Orchestrator.Engines.Sqlite;
using Orchestrator.Environments;

namespace Orchestrator.Topology;

/// <summary>The one place engines are registered.</summary>
internal static class EngineRegistry
{
    public static IEngine For(EngineKind kind) => kind switch
    {
        EngineKind.Postgres => new PostgresEngine(),
        EngineKind.MariaDb => new MariaDbEngine(),
        EngineKind.Sqlite => new SqliteEngine(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown engine"),
    };
}
