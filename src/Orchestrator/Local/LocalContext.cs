using Orchestrator.Environments;
using Orchestrator.Topology;

namespace Orchestrator.Local;

/// <summary>Everything a local server implementation needs about the environment it provisions.</summary>
public sealed record LocalContext(
    EnvironmentDefinition Environment,
    StateLayout State,
    ServiceUser User,
    EnvironmentCredentials Credentials,
    ITopologyProgress Progress);
