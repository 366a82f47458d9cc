using Orchestrator.Environments;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// The names and labels of what the docker provider creates for an environment. The labels mark
/// what the tool owns, for which environment and with which state directory (where its
/// passwords are): nothing else is ever started, stopped or removed.
/// </summary>
internal static class DockerNames
{
    public const string ManagedLabel = "dev.orchestrator.managed";
    public const string EnvironmentLabel = "dev.orchestrator.environment";
    public const string StateLabel = "dev.orchestrator.state";
    public const string NodeLabel = "dev.orchestrator.node";

    /// <summary>Where a node's volume is mounted in its container.</summary>
    public const string MountPoint = "/var/lib/orchestrator";

    /// <summary>Where a node's socket directory is bind-mounted in its container (see <see cref="SocketDirOnHost"/>).</summary>
    public const string SocketMountPoint = "/run/orchestrator";

    /// <summary>
    /// The directory of the state directory bind-mounted at <see cref="SocketMountPoint"/>: the
    /// tool reaches the server's Unix socket there, for the setup work only the socket admits.
    /// </summary>
    public static string SocketDirOnHost(string stateRoot, NodeDefinition node) => Path.Combine(stateRoot, node.Name, "run");

    public static string Network(EnvironmentDefinition environment) => $"orch-{environment.Name}";

    public static string Container(EnvironmentDefinition environment, NodeDefinition node) => $"orch-{environment.Name}-{node.Name}";

    public static string Volume(EnvironmentDefinition environment, NodeDefinition node) => $"orch-{environment.Name}-{node.Name}";

    public static Dictionary<string, string> Labels(EnvironmentDefinition environment, string stateRoot, NodeDefinition? node = null)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManagedLabel] = "true",
            [EnvironmentLabel] = environment.Name,
            [StateLabel] = stateRoot,
        };
        if (node is not null)
        {
            labels[NodeLabel] = node.Name;
        }

        return labels;
    }

    /// <summary>A label filter matching what the tool created for <paramref name="environment"/> (with any state directory: see <see cref="NotOurs"/>).</summary>
    public static IDictionary<string, IDictionary<string, bool>> Owned(EnvironmentDefinition environment) =>
        new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool>
            {
                [$"{ManagedLabel}=true"] = true,
                [$"{EnvironmentLabel}={environment.Name}"] = true,
            },
        };

    /// <summary>
    /// Why the <paramref name="kind"/> named <paramref name="name"/>, carrying <paramref name="labels"/>,
    /// is not this environment's to use; null when it is.
    /// </summary>
    public static string? NotOurs(IDictionary<string, string>? labels, EnvironmentDefinition environment, string stateRoot, string kind, string name)
    {
        string? Label(string key) => labels is not null && labels.TryGetValue(key, out var value) ? value : null;
        if (Label(ManagedLabel) != "true")
        {
            return $"a Docker {kind} named {name} exists but was not created by this tool (it lacks the label {ManagedLabel}); remove or rename it";
        }

        if (Label(EnvironmentLabel) is { } other && other != environment.Name)
        {
            return $"Docker {kind} {name} belongs to environment '{other}', whose names meet this one's ('{environment.Name}'); rename one of the environments or nodes";
        }

        if (Label(StateLabel) is { } state && state != stateRoot)
        {
            return $"Docker {kind} {name} of environment '{environment.Name}' was created with the state directory {state}, which holds its passwords; run the command with --state-dir {state}";
        }

        return null;
    }
}
