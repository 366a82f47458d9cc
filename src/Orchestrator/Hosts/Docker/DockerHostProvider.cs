using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.State;

namespace Orchestrator.Hosts.Docker;

/// <summary>Servers run in containers of the engine's image, one per node, on a network of the environment's own.</summary>
internal sealed class DockerHostProvider : IHostProvider
{
    public static DockerHostProvider Instance { get; } = new();

    private DockerHostProvider()
    {
    }

    public bool InContainers => true;

    /// <summary>A container's published port is held by the engine whether or not its server runs; the engine refuses a taken one itself.</summary>
    public string? PortTaken(NodeDefinition node) => null;

    public IReadOnlyList<int> ServersIn(string directory) => [];

    public Task StopServersInAsync(string directory, bool kill, CancellationToken cancellationToken) => Task.CompletedTask;

    public string Where(string path) => $"{path} in its container";

    public async Task<string?> LostPasswordsAsync(EnvironmentDefinition file, StateLayout state, CancellationToken cancellationToken) =>
        File.Exists(state.SecretsFile) ? null : await DockerStateCheck.WithoutPasswordsAsync(file, state, cancellationToken);

    public Task<IReadOnlyList<HostNote>> ExplainUnreachableAsync(EnvironmentDefinition environment, IEnumerable<string> nodes, CancellationToken cancellationToken) =>
        ContainerReport.ExplainAsync(environment, nodes, cancellationToken);

    public async Task<OpenedHosting> OpenAsync(HostingRequest request, bool create, INodeHosting? existing, Func<EnvironmentCredentials> claimState, CancellationToken cancellationToken)
    {
        // The engine's objects are checked (someone else's of the same name, another state
        // directory's) before this state directory gets passwords that could never log in.
        var state = request.State;
        if (await LostPasswordsAsync(request.File, state, cancellationToken) is { } lost)
        {
            // New passwords would lock everyone out of the servers that exist.
            throw new StateDirectoryConflictException(lost);
        }

        var hosting = existing ?? new DockerNodeHosting(request.Environment, state, request.Server, request.Progress);
        var fresh = !Directory.Exists(state.Root);
        Directory.CreateDirectory(state.Root);
        INodeHost host;
        try
        {
            host = await hosting.OpenAsync(create, cancellationToken);
        }
        catch (LocalProviderException) when (fresh && !Directory.EnumerateFileSystemEntries(state.Root).Any())
        {
            Directory.Delete(state.Root);
            throw;
        }
        catch (LocalProviderException) when (create)
        {
            // Something was created (the network, a container): the directory becomes this
            // environment's, with its passwords, so that a later up or down --purge can use it.
            claimState();
            throw;
        }

        return new OpenedHosting(hosting, host, ServiceUser.InContainer(request.Server.OsUser), claimState());
    }

    /// <summary>
    /// The docker engine may still hold the environment's objects: made with another state
    /// directory (refused, naming it), or with this one, deleted by hand since (a purge finds
    /// them by their labels).
    /// </summary>
    public async Task DownWithoutStateAsync(HostingRequest request, bool purge, CancellationToken cancellationToken)
    {
        using var hosting = new DockerNodeHosting(request.Environment, request.State, request.Server, request.Progress);
        await hosting.OpenAsync(create: false, cancellationToken);
        if (purge)
        {
            await hosting.RemoveAsync(cancellationToken);
        }
        else if (await DockerStateCheck.WithoutPasswordsAsync(request.File, request.State, cancellationToken) is { } lost)
        {
            throw new StateDirectoryConflictException(lost);
        }
    }

    /// <summary>A docker node's data directory is in its container: reading it in place goes through the container.</summary>
    public async Task<(IDisposable Hosting, INodeHost Host)?> OpenForReadingAsync(HostingRequest request, CancellationToken cancellationToken)
    {
        var hosting = new DockerNodeHosting(request.Environment, request.State, request.Server, request.Progress);
        try
        {
            return (hosting, await hosting.OpenAsync(create: false, cancellationToken));
        }
        catch
        {
            hosting.Dispose();
            throw;
        }
    }
}
