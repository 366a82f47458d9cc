using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.Hosts.Local;

namespace Orchestrator.Hosts;

/// <summary>The one place a provider is mapped to what hosts its servers.</summary>
internal static class HostProviders
{
    /// <summary>The provider of an environment whose servers the tool runs; null for one it runs none for (external servers, a database file).</summary>
    public static IHostProvider? For(EnvironmentDefinition environment) => !environment.RunsServers ? null : environment.Provider switch
    {
        ProviderKind.Local => LocalHostProvider.Instance,
        ProviderKind.Docker => DockerHostProvider.Instance,
        _ => null,
    };
}
