using Orchestrator.Environments;

namespace Orchestrator.Docker;

/// <summary>
/// The names and labels of what the docker provider creates for an environment. The labels mark
/// what the tool owns: nothing without them is ever stopped or removed.
/// </summary>
public static class DockerNames
{
    public const string ManagedLabel = "dev.orchestrator.managed";
    public const string EnvironmentLabel = "dev.orchestrator.environment";
    public const string NodeLabel = "dev.orchestrator.node";

    /// <summary>Where a node's volume is mounted in its container.</summary>
    public const string MountPoint = "/var/lib/orchestrator";

    public static string Network(EnvironmentDefinition environment) => $"orch-{environment.Name}";

    public static string Container(EnvironmentDefinition environment, NodeDefinition node) => $"orch-{environment.Name}-{node.Name}";

    public static string Volume(EnvironmentDefinition environment, NodeDefinition node) => $"orch-{environment.Name}-{node.Name}";

    public static Dictionary<string, string> Labels(EnvironmentDefinition environment, NodeDefinition? node = null)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManagedLabel] = "true",
            [EnvironmentLabel] = environment.Name,
        };
        if (node is not null)
        {
            labels[NodeLabel] = node.Name;
        }

        return labels;
    }

    /// <summary>A label filter matching what the tool created for <paramref name="environment"/>.</summary>
    public static IDictionary<string, IDictionary<string, bool>> Owned(EnvironmentDefinition environment) =>
        new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{ManagedLabel}=true"] = true, [$"{EnvironmentLabel}={environment.Name}"] = true },
        };
}
