using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Topology;

namespace Orchestrator.Local;

/// <summary>Everything a server implementation needs about the environment it provisions, and the host its nodes run on.</summary>
internal sealed record LocalContext(
    EnvironmentDefinition Environment,
    StateLayout State,
    ServiceUser User,
    EnvironmentCredentials Credentials,
    ITopologyProgress Progress,
    INodeHost Host);
