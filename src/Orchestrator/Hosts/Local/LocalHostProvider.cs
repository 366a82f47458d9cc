using Orchestrator.Environments;
using Orchestrator.State;

namespace Orchestrator.Hosts.Local;

/// <summary>Servers run as processes of this machine, in the state directory, as the engine's OS user.</summary>
internal sealed class LocalHostProvider : IHostProvider
{
    public static LocalHostProvider Instance { get; } = new();

    private LocalHostProvider()
    {
    }

    public bool InContainers => false;

    public string? PortTaken(NodeDefinition node) => PortProbe.Taken(node.Host, node.Port);

    public IReadOnlyList<int> ServersIn(string directory) => ProcessTable.WorkingIn(directory);

    public async Task StopServersInAsync(string directory, bool kill, CancellationToken cancellationToken)
    {
        foreach (var pid in ProcessTable.WorkingIn(directory))
        {
            Libc.Kill(pid, kill ? Libc.SigKill : Libc.SigTerm);
        }

        try
        {
            await Poll.UntilAsync(() => Task.FromResult(ProcessTable.WorkingIn(directory).Count == 0), TimeSpan.FromSeconds(10), () => "server processes did not stop", cancellationToken);
        }
        catch (LocalProviderException)
        {
            foreach (var pid in ProcessTable.WorkingIn(directory))
            {
                Libc.Kill(pid, Libc.SigKill);
            }

            await Poll.UntilAsync(
                () => Task.FromResult(ProcessTable.WorkingIn(directory).Count == 0),
                TimeSpan.FromSeconds(30),
                () => $"server processes in {directory} did not stop: {string.Join(", ", ProcessTable.WorkingIn(directory))}",
                cancellationToken);
        }
    }

    public string Where(string path) => path;

    public Task<string?> LostPasswordsAsync(EnvironmentDefinition file, StateLayout state, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task<IReadOnlyList<HostNote>> ExplainUnreachableAsync(EnvironmentDefinition environment, IEnumerable<string> nodes, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HostNote>>([]);

    public async Task<OpenedHosting> OpenAsync(HostingRequest request, bool create, INodeHosting? existing, Func<EnvironmentCredentials> claimState, CancellationToken cancellationToken)
    {
        // The state directory is claimed first: the OS user must be able to enter it.
        var credentials = claimState();
        var user = await ServiceUser.ResolveAsync(request.Environment.Local.OsUser ?? request.Server.OsUser, cancellationToken);
        await user.EnsureCanEnterAsync(request.State.Root, cancellationToken);
        var hosting = existing ?? new LocalNodeHosting(request.State, user);
        return new OpenedHosting(hosting, await hosting.OpenAsync(create, cancellationToken), user, credentials);
    }

    /// <summary>On this machine, a missing state directory leaves nothing to stop.</summary>
    public Task DownWithoutStateAsync(HostingRequest request, bool purge, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<(IDisposable Hosting, INodeHost Host)?> OpenForReadingAsync(HostingRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<(IDisposable, INodeHost)?>(null);
}
