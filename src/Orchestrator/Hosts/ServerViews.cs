using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.State;

namespace Orchestrator.Hosts;

/// <summary>The environment as its servers address each other (see <see cref="INodeHost.ServerView"/>), for code that only connects to them.</summary>
internal static class ServerViews
{
    public static EnvironmentDefinition Of(EnvironmentDefinition environment, StateLayout? state, int containerPort) =>
        environment.Provider == ProviderKind.Docker && state is not null && DockerNetworkRecord.Load(state) is { } subnet
            ? DockerAddresses.For(environment, subnet).ServerView(environment, containerPort)
            : environment;
}
