using Orchestrator.Environments;
using Orchestrator.Engines;

namespace Orchestrator.Cli;

internal static class EngineNames
{
    public static string Display(EngineKind engine) => EngineRegistry.For(engine).Descriptor.DisplayName;
}
