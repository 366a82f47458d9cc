using Orchestrator.Environments;

namespace Orchestrator.Replication;

/// <summary>A command that starts, stops or rearranges servers was given an environment whose servers the tool does not run.</summary>
internal sealed class ExternalEnvironmentException(EnvironmentDefinition environment) : Exception(Describe(environment))
{
    private static string Describe(EnvironmentDefinition environment) => environment.DatabaseFile is { } file
        ? $"environment '{environment.Name}' is a SQLite database file ({file.Path}): engine sqlite has no servers to start or stop and no replicas, " +
          "so up, down, switchover, failover, rejoin and replica do not apply. Use migrate, status, backup, rehearse and drift."
        : $"environment '{environment.Name}' uses provider 'external': its servers are not started or stopped by this tool, so 'up' and 'down' do nothing for it. Use 'status' to inspect it.";
}
