using Orchestrator.Context;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Engines;

namespace Orchestrator.Composition;

/// <summary>Where a loaded environment meets the code that serves it: its engine is chosen here, once per command.</summary>
internal static class CompositionRoot
{
    public static EnvironmentContext Open(EnvironmentDefinition definition, string? stateDir, ITopologyProgress progress) =>
        new(definition, EngineRegistry.For(definition.Engine), stateDir, progress);
}
