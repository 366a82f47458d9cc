using Orchestrator.Context;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Engines;

namespace Orchestrator.Composition;

/// <summary>Where a loaded environment meets the code that serves it: its engine is chosen here, once per command.</summary>
internal static class CompositionRoot
{
    public static EnvironmentContext Open(EnvironmentDefinition definition, string? stateDir, ITopologyProgress progress)
    {
        if (definition.DatabaseFile is null && definition.Tls != TlsMode.Disable)
        {
            TlsWarmUp.Start();
        }

        return new(definition, EngineRegistry.For(definition.Engine), stateDir, progress);
    }
}
