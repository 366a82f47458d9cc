using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Local;

namespace Orchestrator.Topology;

/// <summary>
/// <c>up</c> and <c>down</c> for environments whose servers this tool runs (provider: local).
/// Nodes are handled level by level from the primary outwards; nodes of one level (replicas
/// of the same sources) are handled in parallel.
/// </summary>
public sealed partial class LocalTopology
{
    /// <summary>The environment file: the shape the user intends.</summary>
    private readonly EnvironmentDefinition _file;

    /// <summary>The file with the roles a switchover, failover or rejoin gave the nodes since (see <see cref="LiveShape"/>).</summary>
    private readonly EnvironmentDefinition _environment;
    private readonly LiveShape? _live;
    private readonly IEngine _engine;
    private readonly StateLayout _state;
    private readonly ITopologyProgress _progress;

    public LocalTopology(EnvironmentDefinition environment, string? stateDir, ITopologyProgress progress)
    {
        if (environment.Provider != ProviderKind.Local)
        {
            throw new ExternalEnvironmentException(environment);
        }

        _file = environment;
        _engine = EngineRegistry.For(environment.Engine);
        _state = StateLayout.For(environment, stateDir);
        _live = LiveShape.Load(_state);
        _environment = _live?.Apply(environment) ?? environment;
        _progress = progress;
    }

    public StateLayout State => _state;

    public async Task<UpOutcome> UpAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (server, credentials) = await CreateServerAsync(create: true, cancellationToken);
        var outcomes = new List<NodeOutcome<NodeUpAction>>();
        Task? database = null;
        foreach (var level in _environment.Levels())
        {
            outcomes.AddRange(await Task.WhenAll(level.Select(node => UpNodeAsync(server, node, cancellationToken))));
            database ??= server.EnsureDatabaseAsync(_environment.Primary, cancellationToken);
        }

        await database!;

        await Task.WhenAll(outcomes
            .Where(o => o.Action is not (NodeUpAction.AlreadyRunning or NodeUpAction.Fenced))
            .Select(o => _environment.Node(o.Node))
            .Where(n => n.Role == NodeRole.Replica)
            .Select(n => WaitUntilReplicatingAsync(credentials, n, cancellationToken)));
        return new UpOutcome(outcomes, clock.Elapsed);
    }

    public async Task<DownOutcome> DownAsync(bool purge, CancellationToken cancellationToken)
    {
        var outcomes = new List<NodeOutcome<NodeDownAction>>();
        if (Directory.Exists(_state.Root))
        {
            var (server, _) = await CreateServerAsync(create: false, cancellationToken);
            foreach (var level in _environment.Levels())
            {
                outcomes.AddRange(await Task.WhenAll(level.Select(node => DownNodeAsync(server, node, cancellationToken))));
            }
        }
        else
        {
            outcomes.AddRange(_environment.Nodes.Select(n => new NodeOutcome<NodeDownAction>(n.Name, NodeDownAction.NeverInitialized, TimeSpan.Zero)));
        }

        if (Directory.Exists(_state.Root))
        {
            await StopStrayProcessesAsync(cancellationToken);
        }

        if (purge && Directory.Exists(_state.Root))
        {
            Directory.Delete(_state.Root, recursive: true);
        }

        return new DownOutcome(outcomes, purge, _state.Root);
    }

    /// <summary>Stops every node without saving anything and deletes the state directory (scratch environments).</summary>
    public async Task DiscardAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_state.Root))
        {
            return;
        }

        var (server, _) = await CreateServerAsync(create: false, cancellationToken);
        await Task.WhenAll(_environment.Nodes.Select(node => server.DiscardAsync(node, cancellationToken)));
        await StopStrayProcessesAsync(cancellationToken);
        Directory.Delete(_state.Root, recursive: true);
    }

    /// <summary>
    /// Replaces the primary's data with a backup's (a logical backup is loaded into the
    /// running primary's database; a physical one becomes the primary's data directory), then
    /// rebuilds every replica from it. The replicas are removed first, so they do not replay
    /// the load only to be rebuilt.
    /// </summary>
    public async Task<UpOutcome> RestoreAsync(string backupDirectory, Backups.BackupManifest manifest, CancellationToken cancellationToken)
    {
        var (server, credentials) = await CreateServerAsync(create: true, cancellationToken);
        foreach (var level in _environment.Levels().Skip(1).Reverse())
        {
            await Task.WhenAll(level.Select(node => RemoveNodeAsync(server, node, cancellationToken)));
        }

        var primary = _environment.Primary;
        if (manifest.Kind == Backups.BackupKind.Physical)
        {
            await RemoveNodeAsync(server, primary, cancellationToken);
            await server.RestorePhysicalAsync(primary, backupDirectory, manifest, cancellationToken);
        }
        else
        {
            await UpNodeAsync(server, primary, cancellationToken);
            await _engine.Backups.RestoreLogicalAsync(
                _engine.AdminTarget(primary, credentials), _environment.Database, backupDirectory, manifest, replicate: false, _environment.Local, _progress, cancellationToken);
        }

        return await UpAsync(cancellationToken);
    }

    private async Task RemoveNodeAsync(ILocalServer server, NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await server.GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
        {
            await server.StopAsync(node, cancellationToken);
        }

        if (Directory.Exists(_state.NodeDir(node)))
        {
            _progress.Report(new ProgressEvent(node.Name, $"removed its data ({_state.NodeDir(node)})", ProgressKind.Info));
            Directory.Delete(_state.NodeDir(node), recursive: true);
        }
    }

    /// <summary>
    /// Stops server processes still working inside the state directory that no node's pid file
    /// accounts for (left by a crash or an interrupted start), so that nothing keeps running,
    /// and holding a port, in a directory considered stopped or about to be deleted.
    /// </summary>
    private async Task StopStrayProcessesAsync(CancellationToken cancellationToken)
    {
        var strays = ProcessTable.WorkingIn(_state.Root);
        if (strays.Count == 0)
        {
            return;
        }

        _progress.Report(new ProgressEvent(_environment.Name, $"stopping {strays.Count} stray server process(es) in {_state.Root}: {string.Join(", ", strays)}", ProgressKind.Info));
        await StopServersInAsync(_state.Root, Libc.SigTerm, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every server process working in <paramref name="directory"/>
    /// and waits until they are gone, killing whatever still runs after 10 s.
    /// </summary>
    private static async Task StopServersInAsync(string directory, int signal, CancellationToken cancellationToken)
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

    private async Task<(ILocalServer Server, EnvironmentCredentials Credentials)> CreateServerAsync(bool create, CancellationToken cancellationToken, EnvironmentDefinition? shape = null)
    {
        var credentials = CredentialStore.Resolve(_environment, _state, create);
        var user = await ServiceUser.ResolveAsync(_environment.Local.OsUser ?? _engine.DefaultServiceUser, cancellationToken);
        Directory.CreateDirectory(_state.Root);
        await user.EnsureCanEnterAsync(_state.Root, cancellationToken);
        var server = _engine.CreateLocalServer(new LocalContext(shape ?? _environment, _state, user, credentials, _progress));
        await server.CheckPrerequisitesAsync(cancellationToken);
        return (server, credentials);
    }

    private async Task<NodeOutcome<NodeUpAction>> UpNodeAsync(ILocalServer server, NodeDefinition node, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (_live?.FencedNodes.Contains(node.Name) == true)
        {
            _progress.Report(new ProgressEvent(node.Name, $"fenced by a failover; not started. Run 'rejoin {node.Name}' or 'replica rebuild {node.Name}'", ProgressKind.Info));
            return new NodeOutcome<NodeUpAction>(node.Name, NodeUpAction.Fenced, clock.Elapsed);
        }

        var state = await server.GetStateAsync(node, cancellationToken);
        if (state != LocalNodeState.Running && PortProbe.IsListening(node.Host, node.Port))
        {
            throw new LocalProviderException($"cannot start node '{node.Name}': something else already listens on {node.Endpoint}. Stop it, or give the node another port.");
        }

        NodeUpAction action;
        switch (state)
        {
            case LocalNodeState.Running:
                action = NodeUpAction.AlreadyRunning;
                break;
            case LocalNodeState.Stopped:
                await server.StartAsync(node, cancellationToken);
                action = NodeUpAction.Started;
                break;
            case LocalNodeState.Crashed:
                _progress.Report(new ProgressEvent(node.Name, "was not shut down cleanly (stale pid file); recovering", ProgressKind.Info));
                await server.StartAsync(node, cancellationToken);
                action = NodeUpAction.Recovered;
                break;
            default:
                if (node.Role == NodeRole.Primary)
                {
                    await server.InitializePrimaryAsync(node, cancellationToken);
                    action = NodeUpAction.Initialized;
                }
                else
                {
                    await server.BootstrapReplicaAsync(node, _environment.Node(node.Source!), cancellationToken);
                    action = NodeUpAction.Bootstrapped;
                }

                break;
        }

        return new NodeOutcome<NodeUpAction>(node.Name, action, clock.Elapsed);
    }

    private Task WaitUntilReplicatingAsync(EnvironmentCredentials credentials, NodeDefinition node, CancellationToken cancellationToken) =>
        _progress.StepAsync(node.Name, $"wait until replicating from {node.Source}", () => Poll.UntilAsync(
            async () =>
            {
                try
                {
                    var observed = await _engine.ObserveAsync(node, credentials, cancellationToken);
                    var source = _environment.Node(node.Source!);
                    return observed.IsReplicating && observed.SourcePort == source.Port;
                }
                catch (Data.DatabaseException)
                {
                    return false;
                }
            },
            _environment.Replication.ReplayTimeout,
            () => $"replica '{node.Name}' is not replicating from '{node.Source}' after {_environment.Replication.ReplayTimeout.TotalSeconds:0} s; see {_state.LogFile(node)}",
            cancellationToken));

    private async Task<NodeOutcome<NodeDownAction>> DownNodeAsync(ILocalServer server, NodeDefinition node, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var state = await server.GetStateAsync(node, cancellationToken);
        switch (state)
        {
            case LocalNodeState.NotInitialized:
                return new NodeOutcome<NodeDownAction>(node.Name, NodeDownAction.NeverInitialized, clock.Elapsed);
            case LocalNodeState.Running:
                await server.StopAsync(node, cancellationToken);
                return new NodeOutcome<NodeDownAction>(node.Name, NodeDownAction.Stopped, clock.Elapsed);
            default:
                return new NodeOutcome<NodeDownAction>(node.Name, NodeDownAction.WasNotRunning, clock.Elapsed);
        }
    }
}
