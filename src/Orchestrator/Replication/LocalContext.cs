using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Hosts.Local;
using Orchestrator.Progress;
using Orchestrator.State;

namespace Orchestrator.Replication;

/// <summary>Everything a server implementation needs about the environment it provisions, and the host its nodes run on.</summary>
internal sealed record LocalContext(
    EnvironmentDefinition Environment,
    StateLayout State,
    ServiceUser User,
    EnvironmentCredentials Credentials,
    ITopologyProgress Progress,
    INodeHost Host)
{
    /// <summary>The servers run in containers of the engine's image, so its programs are the image's (see <see cref="IHostProvider.InContainers"/>).</summary>
    public bool InContainers { get; init; }
}
