using Orchestrator.Engines.MariaDb;
using Orchestrator.Engines.Postgres;
using Orchestrator.Engines.Sqlite;
using Orchestrator.Environments;
using Orchestrator.Servers;

namespace Orchestrator.Engines;

/// <summary>The engines this tool serves: adding one is adding it to this list (see docs/ARCHITECTURE.md).</summary>
internal static class EngineRegistry
{
    public static IReadOnlyList<IEngine> All { get; } = [new PostgresEngine(), new MariaDbEngine(), new SqliteEngine()];

    public static IEngine For(EngineKind kind) =>
        All.FirstOrDefault(e => e.Descriptor.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "no engine of this kind is registered");
}
