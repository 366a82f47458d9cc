using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Context;

namespace Orchestrator.Topology;

/// <summary>
/// A local environment's nodes as the tool arranges them: the file's intended shape, the live
/// shape recorded since a role change, the state directory, and the engine's local server.
/// What up, down, restore and the role changes share.
/// </summary>
internal sealed class LocalNodes
{
    private (OpenedHosting Hosting, bool Created)? _opened;

    public LocalNodes(EnvironmentContext context)
    {
        if (context.State is not { } state)
        {
            throw new ExternalEnvironmentException(context.Definition);
        }

        File = context.Definition;
        Engine = context.Engine;
        Server = Engine.Descriptor.Server ?? throw new ExternalEnvironmentException(context.Definition);
        Provider = HostProviders.For(File) ?? throw new ExternalEnvironmentException(context.Definition);
        State = state;
        Live = LiveShape.Load(State);
        Environment = Live?.Apply(File) ?? File;
        Progress = context.Progress;
    }

    /// <summary>The environment file: the shape the user intends.</summary>
    public EnvironmentDefinition File { get; }

    /// <summary>The shape recorded by a switchover, failover or rejoin since (see <see cref="LiveShape"/>), or null.</summary>
    public LiveShape? Live { get; }

    /// <summary>The file with the roles and sources the live shape gave the nodes.</summary>
    public EnvironmentDefinition Environment { get; }

    public IEngine Engine { get; }

    /// <summary>How the engine's servers run.</summary>
    public ServerProgram Server { get; }

    /// <summary>Where the servers run: this machine, or containers.</summary>
    public IHostProvider Provider { get; }

    public StateLayout State { get; }

    public ITopologyProgress Progress { get; }

    /// <summary>The recorded shape, else the file's.</summary>
    public LiveShape CurrentShape => Live ?? LiveShape.FromFile(File);

    /// <summary>The engine's local server for <paramref name="shape"/> (configuration follows it), with the environment's credentials.</summary>
    public async Task<(ILocalServer Server, EnvironmentCredentials Credentials)> CreateServerAsync(bool create, CancellationToken cancellationToken, EnvironmentDefinition? shape = null)
    {
        // A command that creates servers for several shapes (a switchover: before, during and
        // after) opens the hosting, resolves the OS user and reads the passwords once.
        if (_opened is not { } known || (create && !known.Created))
        {
            _opened = (await Provider.OpenAsync(Request, create, _opened?.Hosting.Hosting, () => ClaimState(create), cancellationToken), create);
        }

        var opened = _opened.Value.Hosting;
        var server = Engine.CreateLocalServer(new LocalContext(shape ?? Environment, State, opened.User, opened.Credentials, Progress, opened.Host) { InContainers = Provider.InContainers });
        await server.CheckPrerequisitesAsync(cancellationToken);
        return (server, opened.Credentials);
    }

    private HostingRequest Request => new(Environment, File, State, Server, Progress);

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

    /// <summary><c>down</c> where the state directory is missing: nothing to stop on this machine; a provider may still hold the environment's objects.</summary>
    public Task DownWithoutStateAsync(bool purge, CancellationToken cancellationToken) => Provider.DownWithoutStateAsync(Request, purge, cancellationToken);

    /// <summary>What the provider set up around the nodes (see <see cref="INodeHosting"/>); known once <see cref="CreateServerAsync"/> ran.</summary>
    public INodeHosting Hosting => _opened?.Hosting.Hosting ?? throw new InvalidOperationException("CreateServerAsync must run first");

    /// <summary>Asks every node for its role and position; see <see cref="ObservedNode.ObserveAllAsync"/> for <paramref name="suspects"/>.</summary>
    public async Task<IReadOnlyList<ObservedNode>> ObserveAsync(
        EnvironmentCredentials credentials, CancellationToken cancellationToken, IReadOnlySet<string>? suspects = null, TimeSpan grace = default) =>
        await ObservedNode.ObserveAllAsync(Environment.Nodes, Engine, credentials, cancellationToken, suspects, grace);

    /// <summary>
    /// <see cref="CreateServerAsync"/> (with <paramref name="create"/> false) and
    /// <see cref="ObserveAsync"/> side by side: asking the nodes needs only the stored passwords,
    /// and a role change waits on both while the environment may be without a primary.
    /// <paramref name="observe"/> gets the credentials and does the asking (in a progress step, say).
    /// </summary>
    public async Task<(ILocalServer Server, EnvironmentCredentials Credentials)> OpenWhileObservingAsync(Func<EnvironmentCredentials, Task> observe, CancellationToken cancellationToken)
    {
        // On a thread of its own: the Docker client's set-up is work, not waiting.
        var opening = Task.Run(() => CreateServerAsync(create: false, cancellationToken), cancellationToken);
        EnvironmentCredentials credentials;
        try
        {
            credentials = CredentialStore.Resolve(Environment, State, create: false);
        }
        catch (Exception)
        {
            // The hosting says better why the passwords are missing (a state directory made elsewhere, say).
            await opening;
            throw;
        }

        var observing = observe(credentials);
        (ILocalServer, EnvironmentCredentials) opened;
        try
        {
            opened = await opening;
        }
        catch (Exception)
        {
            // The hosting's failure is the one to report; the asking only needs to have ended.
            await Task.WhenAny(observing);
            throw;
        }

        await observing;
        return opened;
    }

    /// <summary>The node a replica reports replicating from (its address when no node has it); null when it reports none.</summary>
    public string? SourceOf(ObservedNode observed) =>
        observed.Observation is { } observation
            ? SourceOf(observation, (_opened?.Hosting.Host ?? throw new InvalidOperationException("CreateServerAsync must run first")).ServerView(Environment))
            : null;

    /// <param name="peers">The environment as its servers address each other: a replica reports its source that way (a container's address, not the published port).</param>
    private static string? SourceOf(NodeObservation observation, EnvironmentDefinition peers) =>
        observation.SourceHost is { } host ? peers.NameAt(host, observation.SourcePort) : null;

    /// <summary>Waits until the replica streams from its source (<paramref name="node"/> as the shape being moved to has it).</summary>
    public Task WaitUntilReplicatingAsync(EnvironmentCredentials credentials, NodeDefinition node, CancellationToken cancellationToken)
    {
        var host = _opened?.Hosting.Host ?? throw new InvalidOperationException("CreateServerAsync must run first");
        var peers = host.ServerView(Environment);
        return Progress.StepAsync(node.Name, $"wait until replicating from {node.Source}", () => Poll.UntilAsync(
            async () =>
            {
                try
                {
                    var observed = await Engine.ObserveAsync(node, credentials, cancellationToken);
                    return observed.IsReplicating && SourceOf(observed, peers) == node.Source;
                }
                catch (DatabaseException)
                {
                    return false;
                }
            },
            Environment.Replication.ReplayTimeout,
            () => $"replica '{node.Name}' is not replicating from '{node.Source}' after {Environment.Replication.ReplayTimeout.TotalSeconds:0} s; see {host.DescribeLog(node)}",
            cancellationToken));
    }

    /// <summary>
    /// Whether the node's running server started without the certificate the environment wants it
    /// to present: its files are written before every start, so a server without them on its host
    /// was started by an earlier version (or under tls: disable), and reads them only at a restart.
    /// </summary>
    public async Task<bool> RunsWithoutTlsAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var host = _opened?.Hosting.Host ?? throw new InvalidOperationException("CreateServerAsync must run first");
        return Environment.Tls != TlsMode.Disable && await host.ReadFileAsync(node, host.Paths(node).TlsCertificateFile, cancellationToken) is null;
    }

    /// <summary>The CA the nodes' certificates come from (for a shard, its fleet's).</summary>
    public EnvironmentCa Ca => EnvironmentCa.In(State, Environment.FleetName);

    /// <summary>Issues the node a new certificate and key from the environment's CA (kept for its next configuration write).</summary>
    public NodeCertificate ReissueCertificate(NodeDefinition node)
    {
        var host = _opened?.Hosting.Host ?? throw new InvalidOperationException("CreateServerAsync must run first");
        return Ca.Reissue(node.Name, host.NamesOf(node));
    }

    /// <summary>Whether the node's certificate is due for renewal (near its end, or lacking a name the node is reached by now).</summary>
    public bool CertificateDue(NodeDefinition node)
    {
        var host = _opened?.Hosting.Host ?? throw new InvalidOperationException("CreateServerAsync must run first");
        return Environment.Tls != TlsMode.Disable && Ca.IsDue(node.Name, host.NamesOf(node));
    }

    /// <summary>Stops the node if it runs and deletes its directory.</summary>
    public async Task RemoveNodeAsync(ILocalServer server, NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await server.GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
        {
            await server.StopAsync(node, cancellationToken);
        }

        var host = _opened?.Hosting.Host ?? throw new InvalidOperationException("CreateServerAsync must run first");
        if (await host.DeleteNodeDirAsync(node, cancellationToken))
        {
            Progress.Report(new ProgressEvent(node.Name, $"removed its data ({Provider.Where(host.Paths(node).NodeDir)})", ProgressKind.Info));
        }
    }

    /// <summary>
    /// Stops server processes still working inside the state directory that no node's pid file
    /// accounts for (left by a crash or an interrupted start), so that nothing keeps running,
    /// and holding a port, in a directory considered stopped or about to be deleted.
    /// </summary>
    public async Task StopStrayProcessesAsync(CancellationToken cancellationToken)
    {
        var strays = Provider.ServersIn(State.Root);
        if (strays.Count == 0)
        {
            return;
        }

        Progress.Report(new ProgressEvent(Environment.Name, $"stopping {strays.Count} stray server process(es) in {State.Root}: {string.Join(", ", strays)}", ProgressKind.Info));
        await Provider.StopServersInAsync(State.Root, kill: false, cancellationToken);
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
