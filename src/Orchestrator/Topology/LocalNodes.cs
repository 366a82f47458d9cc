using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Local;

namespace Orchestrator.Topology;

/// <summary>
/// A local environment's nodes as the tool arranges them: the file's intended shape, the live
/// shape recorded since a role change, the state directory, and the engine's local server.
/// What up, down, restore and the role changes share.
/// </summary>
internal sealed class LocalNodes
{
    private INodeHosting? _hosting;
    private INodeHost? _host;

    public LocalNodes(EnvironmentDefinition file, string? stateDir, ITopologyProgress progress)
    {
        if (!file.Provider.RunsServers())
        {
            throw new ExternalEnvironmentException(file);
        }

        File = file;
        Engine = EngineRegistry.For(file.Engine);
        State = StateLayout.For(file, stateDir);
        Live = LiveShape.Load(State);
        Environment = Live?.Apply(file) ?? file;
        Progress = progress;
    }

    /// <summary>The environment file: the shape the user intends.</summary>
    public EnvironmentDefinition File { get; }

    /// <summary>The shape recorded by a switchover, failover or rejoin since (see <see cref="LiveShape"/>), or null.</summary>
    public LiveShape? Live { get; }

    /// <summary>The file with the roles and sources the live shape gave the nodes.</summary>
    public EnvironmentDefinition Environment { get; }

    public IEngine Engine { get; }

    public StateLayout State { get; }

    public ITopologyProgress Progress { get; }

    /// <summary>The recorded shape, else the file's.</summary>
    public LiveShape CurrentShape => Live ?? LiveShape.FromFile(File);

    /// <summary>The engine's local server for <paramref name="shape"/> (configuration follows it), with the environment's credentials.</summary>
    public async Task<(ILocalServer Server, EnvironmentCredentials Credentials)> CreateServerAsync(bool create, CancellationToken cancellationToken, EnvironmentDefinition? shape = null)
    {
        INodeHost host;
        ServiceUser user;
        EnvironmentCredentials credentials;
        if (File.Provider == ProviderKind.Docker)
        {
            // The engine's objects are checked (someone else's of the same name, another state
            // directory's) before this state directory gets passwords that could never log in.
            user = ServiceUser.InContainer(Engine.DefaultServiceUser);
            if (!System.IO.File.Exists(State.SecretsFile) && await Docker.DockerStateCheck.WithoutPasswordsAsync(File, State, cancellationToken) is { } lost)
            {
                // New passwords would lock everyone out of the servers that exist.
                throw new StateDirectoryConflictException(lost);
            }

            _hosting ??= new Docker.DockerNodeHosting(Environment, State, Engine, Progress);
            var fresh = !Directory.Exists(State.Root);
            Directory.CreateDirectory(State.Root);
            try
            {
                host = await _hosting.OpenAsync(create, cancellationToken);
            }
            catch (LocalProviderException) when (fresh && !Directory.EnumerateFileSystemEntries(State.Root).Any())
            {
                Directory.Delete(State.Root);
                throw;
            }
            catch (LocalProviderException) when (create)
            {
                // Something was created (the network, a container): the directory becomes this
                // environment's, with its passwords, so that a later up or down --purge can use it.
                ClaimState(create);
                throw;
            }

            credentials = ClaimState(create);
        }
        else
        {
            credentials = ClaimState(create);
            user = await ServiceUser.ResolveAsync(Environment.Local.OsUser ?? Engine.DefaultServiceUser, cancellationToken);
            await user.EnsureCanEnterAsync(State.Root, cancellationToken);
            _hosting ??= new LocalNodeHosting(State, user);
            host = await _hosting.OpenAsync(create, cancellationToken);
        }

        _host = host;
        var server = Engine.CreateLocalServer(new LocalContext(shape ?? Environment, State, user, credentials, Progress, host));
        await server.CheckPrerequisitesAsync(cancellationToken);
        return (server, credentials);
    }

    /// <summary>The environment's passwords (generated on the first up) and, on up, this environment's claim on the state directory.</summary>
    private EnvironmentCredentials ClaimState(bool create)
    {
        var credentials = CredentialStore.Resolve(Environment, State, create);
        Directory.CreateDirectory(State.Root);
        if (create)
        {
            StateOwner.Claim(State, File);
        }

        return credentials;
    }

    /// <summary>
    /// <c>down</c> where the state directory is missing. On this machine there is nothing to
    /// stop; a docker engine may still hold the environment's objects: made with another state
    /// directory (refused, naming it), or with this one, deleted by hand since (a purge finds
    /// them by their labels).
    /// </summary>
    public async Task DownWithoutStateAsync(bool purge, CancellationToken cancellationToken)
    {
        if (File.Provider != ProviderKind.Docker)
        {
            return;
        }

        using var hosting = new Docker.DockerNodeHosting(Environment, State, Engine, Progress);
        await hosting.OpenAsync(create: false, cancellationToken);
        if (purge)
        {
            await hosting.RemoveAsync(cancellationToken);
        }
        else if (await Docker.DockerStateCheck.WithoutPasswordsAsync(File, State, cancellationToken) is { } lost)
        {
            throw new StateDirectoryConflictException(lost);
        }
    }

    /// <summary>What the provider set up around the nodes (see <see cref="INodeHosting"/>); known once <see cref="CreateServerAsync"/> ran.</summary>
    public INodeHosting Hosting => _hosting ?? throw new InvalidOperationException("CreateServerAsync must run first");

    public async Task<IReadOnlyList<ObservedNode>> ObserveAsync(EnvironmentCredentials credentials, CancellationToken cancellationToken) =>
        await ObservedNode.ObserveAllAsync(Environment.Nodes, Engine, credentials, cancellationToken);

    /// <summary>Waits until the replica streams from its source (<paramref name="node"/> as the shape being moved to has it).</summary>
    public Task WaitUntilReplicatingAsync(EnvironmentCredentials credentials, NodeDefinition node, CancellationToken cancellationToken)
    {
        // The replica reports its source as the servers address each other (a container's port, not the published one).
        var host = _host ?? throw new InvalidOperationException("CreateServerAsync must run first");
        var sourcePort = host.ServerView(Environment).Node(node.Source!).Port;
        return Progress.StepAsync(node.Name, $"wait until replicating from {node.Source}", () => Poll.UntilAsync(
            async () =>
            {
                try
                {
                    var observed = await Engine.ObserveAsync(node, credentials, cancellationToken);
                    return observed.IsReplicating && observed.SourcePort == sourcePort;
                }
                catch (Data.DatabaseException)
                {
                    return false;
                }
            },
            Environment.Replication.ReplayTimeout,
            () => $"replica '{node.Name}' is not replicating from '{node.Source}' after {Environment.Replication.ReplayTimeout.TotalSeconds:0} s; see {host.DescribeLog(node)}",
            cancellationToken));
    }

    /// <summary>Stops the node if it runs and deletes its directory.</summary>
    public async Task RemoveNodeAsync(ILocalServer server, NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await server.GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
        {
            await server.StopAsync(node, cancellationToken);
        }

        var host = _host ?? throw new InvalidOperationException("CreateServerAsync must run first");
        if (await host.DeleteNodeDirAsync(node, cancellationToken))
        {
            Progress.Report(new ProgressEvent(node.Name, $"removed its data ({host.Paths(node).NodeDir}{(File.Provider == ProviderKind.Docker ? $" in its container" : "")})", ProgressKind.Info));
        }
    }

    /// <summary>
    /// Stops server processes still working inside the state directory that no node's pid file
    /// accounts for (left by a crash or an interrupted start), so that nothing keeps running,
    /// and holding a port, in a directory considered stopped or about to be deleted.
    /// </summary>
    public async Task StopStrayProcessesAsync(CancellationToken cancellationToken)
    {
        var strays = ProcessTable.WorkingIn(State.Root);
        if (strays.Count == 0)
        {
            return;
        }

        Progress.Report(new ProgressEvent(Environment.Name, $"stopping {strays.Count} stray server process(es) in {State.Root}: {string.Join(", ", strays)}", ProgressKind.Info));
        await StopServersInAsync(State.Root, Libc.SigTerm, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every server process working in <paramref name="directory"/>
    /// and waits until they are gone, killing whatever still runs after 10 s.
    /// </summary>
    public static async Task StopServersInAsync(string directory, int signal, CancellationToken cancellationToken)
    {
        foreach (var pid in ProcessTable.WorkingIn(directory))
        {
            Libc.Kill(pid, signal);
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

    /// <summary>
    /// Records <paramref name="shape"/> as the live shape, before acting on it: a crash then
    /// leaves the intent (a fence, the next primary) on disk. Back in the file's shape, nothing
    /// is recorded.
    /// </summary>
    public void Record(LiveShape shape)
    {
        if (shape.MatchesFile(File))
        {
            LiveShape.Forget(State);
        }
        else
        {
            shape.Save(State);
        }
    }
}
