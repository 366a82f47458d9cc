using Orchestrator.Environments;

namespace Orchestrator.Topology;

/// <summary>A command that starts or stops servers was given an environment whose servers the tool does not own.</summary>
public sealed class ExternalEnvironmentException(EnvironmentDefinition environment)
    : Exception($"environment '{environment.Name}' uses provider 'external': its servers are not started or stopped by this tool, so 'up' and 'down' do nothing for it. Use 'status' to inspect it.");
