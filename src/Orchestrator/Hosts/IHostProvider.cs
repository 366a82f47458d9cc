using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Hosts;

/// <summary>
/// Where a provider runs an environment's servers (this machine, containers of a docker engine)
/// and what follows from that: the one thing code outside <c>Hosts/</c> asks instead of testing
/// the provider. Chosen once per environment by <see cref="HostProviders.For"/>.
/// </summary>
internal interface IHostProvider
{
    /// <summary>The servers run in containers of the engine's image (its programs at the image's paths), not on this machine.</summary>
    bool InContainers { get; }

    /// <summary>What holds <paramref name="node"/>'s port on this machine; null when it is free, or not this provider's to check (a container engine refuses a taken port itself).</summary>
    string? PortTaken(NodeDefinition node);

    /// <summary>Server processes of this provider working in <paramref name="directory"/> (none for servers in containers).</summary>
    IReadOnlyList<int> ServersIn(string directory);

    /// <summary>Stops them (at once with <paramref name="kill"/>, else asked first) and waits until they are gone.</summary>
    Task StopServersInAsync(string directory, bool kill, CancellationToken cancellationToken);

    /// <summary>A path of a node's host as a person finds it.</summary>
    string Where(string path);

    /// <summary>Why this environment's existing servers cannot be logged in to with the state directory's passwords (they were made with others), or null.</summary>
    Task<string?> LostPasswordsAsync(EnvironmentDefinition file, StateLayout state, CancellationToken cancellationToken);

    /// <summary>What the hosts of unreachable nodes say about them (a container stopped or paused), for status.</summary>
    Task<IReadOnlyList<HostNote>> ExplainUnreachableAsync(EnvironmentDefinition environment, IEnumerable<string> nodes, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the hosting of the nodes (<paramref name="existing"/> when one is open already),
    /// claiming the state directory through <paramref name="claimState"/> at the moment this
    /// provider can do so without leaving a claim on something that was never made.
    /// </summary>
    Task<OpenedHosting> OpenAsync(HostingRequest request, bool create, INodeHosting? existing, Func<EnvironmentCredentials> claimState, CancellationToken cancellationToken);

    /// <summary><c>down</c> where the state directory is gone: what the provider may still hold for the environment is found and removed (purge) or refused.</summary>
    Task DownWithoutStateAsync(HostingRequest request, bool purge, CancellationToken cancellationToken);

    /// <summary>A node's host for reading its files in place (a physical backup), or null when the files are on this machine.</summary>
    Task<(IDisposable Hosting, INodeHost Host)?> OpenForReadingAsync(HostingRequest request, CancellationToken cancellationToken);
}

/// <summary>What a provider needs to host an environment's nodes.</summary>
internal sealed record HostingRequest(EnvironmentDefinition Environment, EnvironmentDefinition File, StateLayout State, ServerProgram Server, ITopologyProgress Progress);

/// <summary>An open hosting: its host, the OS user the servers run as, and the environment's passwords.</summary>
internal sealed record OpenedHosting(INodeHosting Hosting, INodeHost Host, ServiceUser User, EnvironmentCredentials Credentials);
