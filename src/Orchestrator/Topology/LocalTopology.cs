using System.Diagnostics;
using Orchestrator.Topology.RoleChanges;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.State;
using Orchestrator.Context;
using Orchestrator.Servers;

namespace Orchestrator.Topology;

/// <summary>
/// <c>up</c>, <c>down</c> and restore for environments whose servers this tool runs (provider:
/// local), and the entry to the role changes, each its own operation. Nodes are handled level by
/// level from the primary outwards; nodes of one level (replicas of the same sources) are
/// handled in parallel.
/// </summary>
internal sealed class LocalTopology
{
    private readonly EnvironmentContext _context;
    private readonly ITopologyProgress _progress;
    private LocalNodes _nodes;

    public LocalTopology(EnvironmentContext context)
    {
        (_context, _progress) = (context, context.Progress);
        _nodes = new LocalNodes(context);
    }

    public StateLayout State => _nodes.State;

    public EnvironmentDefinition Environment => _nodes.Environment;

    public Task<RoleChangeOutcome> SwitchoverAsync(string to, CancellationToken cancellationToken) =>
        ExclusiveAsync("switchover", () => new SwitchoverOperation(_nodes).RunAsync(to, cancellationToken), cancellationToken);

    public Task<RoleChangeOutcome> FailoverAsync(string? to, CancellationToken cancellationToken) =>
        ExclusiveAsync("failover", () => new FailoverOperation(_nodes).RunAsync(to, cancellationToken), cancellationToken);

    public Task<RoleChangeOutcome> RejoinAsync(string node, CancellationToken cancellationToken) =>
        ExclusiveAsync("rejoin", () => new RejoinOperation(_nodes).RunAsync(node, cancellationToken), cancellationToken);

    public Task<RoleChangeOutcome> RebuildAsync(string node, CancellationToken cancellationToken) =>
        ExclusiveAsync("replica rebuild", () => new RebuildOperation(_nodes).RunAsync(node, cancellationToken), cancellationToken);

    public Task<UpOutcome> UpAsync(CancellationToken cancellationToken) => ExclusiveAsync("up", () => BringUpAsync(cancellationToken), cancellationToken);

    /// <summary>New certificates for every node, presented without a restart (<c>tls rotate</c>).</summary>
    public Task<CertificateRotationOutcome> RotateCertificatesAsync(CaRotation rotation, CancellationToken cancellationToken) =>
        ExclusiveAsync(rotation == CaRotation.KeepCa ? "tls rotate" : "tls rotate --ca", () => new CertificateRotation(_nodes).RunAsync(rotation, cancellationToken), cancellationToken);

    /// <summary>
    /// Runs <paramref name="body"/> holding this environment's state lock: a CA rotation that spans
    /// several shards holds every shard's (<see cref="FleetCaRotation"/>). It waits a short while
    /// only, since the shards it holds already wait with it, and nothing has changed yet.
    /// </summary>
    internal Task<T> HoldingCaRotationAsync<T>(Func<CertificateRotation, Task<T>> body, CancellationToken cancellationToken) =>
        ExclusiveAsync("tls rotate --ca", () => body(new CertificateRotation(_nodes)), cancellationToken, FleetLockWait);

    private static readonly TimeSpan FleetLockWait = TimeSpan.FromSeconds(30);

    public Task<DownOutcome> DownAsync(bool purge, CancellationToken cancellationToken) =>
        ExclusiveAsync(purge ? "down --purge" : "down", () => BringDownAsync(purge, cancellationToken), cancellationToken);

    /// <summary>
    /// Runs one command that changes the state directory while no other does, on the live shape
    /// and files as that other command left them (read again once the lock is held).
    /// </summary>
    private async Task<T> ExclusiveAsync<T>(string command, Func<Task<T>> operation, CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        using var held = await StateLock.AcquireAsync(
            _nodes.State, command, message => _progress.Report(new ProgressEvent(_context.Definition.Name, message, ProgressKind.Info)), wait ?? StateLock.DefaultWait, cancellationToken);
        _nodes = new LocalNodes(_context);
        return await operation();
    }

    private async Task<UpOutcome> BringUpAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        RefuseTakenPortsOfNewEnvironment();
        var (server, credentials) = await _nodes.CreateServerAsync(create: true, cancellationToken);
        await StopInterruptedSetupsAsync(cancellationToken);
        await CheckPortsAsync(server, cancellationToken);
        var outcomes = new List<NodeOutcome<NodeUpAction>>();
        Task? database = null;
        foreach (var level in Environment.Levels())
        {
            outcomes.AddRange(await Task.WhenAll(level.Select(node => UpNodeAsync(server, node, cancellationToken))));
            database ??= server.EnsureDatabaseAsync(Environment.Primary, cancellationToken);
        }

        await database!;
        if (await ObservePrimaryAsync(credentials, cancellationToken) is { PromotionUnfinished: true })
        {
            await _nodes.Progress.StepAsync(Environment.Primary.Name, "finish its interrupted promotion (forget its old source)", () => server.ReloadConfigAsync(Environment.Primary, cancellationToken));
        }

        await Task.WhenAll(outcomes
            .Where(o => o.Action is not (NodeUpAction.AlreadyRunning or NodeUpAction.Fenced))
            .Select(o => Environment.Node(o.Node))
            .Where(n => n.Role == NodeRole.Replica)
            .Select(n => _nodes.WaitUntilReplicatingAsync(credentials, n, cancellationToken)));
        await ApplySynchronousReplicationAsync(server, cancellationToken);
        if (server.LogArchiver is { } archiver)
        {
            await archiver.EnsureRunningAsync(cancellationToken);
        }

        return new UpOutcome(outcomes, clock.Elapsed);
    }

    /// <summary>
    /// Asks the recorded shape's primary what it is. A switchover or failover killed between its
    /// steps can leave it running as a replica, and nothing takes writes: its replicas would wait
    /// for it in vain. Which node should take over is the operator's call (`failover` promotes
    /// the one that applied the most), so `up` stops here, with every node started.
    /// </summary>
    /// <returns>What the primary said of itself; null when it could not be asked.</returns>
    private async Task<NodeObservation?> ObservePrimaryAsync(EnvironmentCredentials credentials, CancellationToken cancellationToken)
    {
        var primary = Environment.Primary;
        NodeObservation observed;
        try
        {
            observed = await _nodes.Engine.ObserveAsync(primary, credentials, cancellationToken);
        }
        catch (DatabaseException)
        {
            return null;
        }

        if (observed.Role == ObservedRole.Replica)
        {
            throw new LocalProviderException(
                $"'{primary.Name}' is the primary of the recorded shape but runs as a replica, so no node takes writes: " +
                "a switchover or failover was interrupted between its steps. Every node is started; " +
                $"run 'status', then 'failover' to promote the replica that applied the most, then 'rejoin' the nodes 'status' shows elsewhere.");
        }

        return observed;
    }

    /// <summary>
    /// The file's synchronous replicas, then the primary that waits for them, as the running
    /// servers' settings: a primary started or created by this run may have started without
    /// waiting (its replicas were not there yet), and the file may have changed.
    /// </summary>
    private async Task ApplySynchronousReplicationAsync(ILocalServer server, CancellationToken cancellationToken)
    {
        var synchronous = Environment.Replicas.Where(r => r.Sync && !r.Fenced).ToList();
        if (synchronous.Count == 0)
        {
            return;
        }

        await _nodes.Progress.StepAsync(Environment.Primary.Name, $"commits wait for {string.Join(" or ", synchronous.Select(r => r.Name))} to acknowledge them", async () =>
        {
            foreach (var replica in synchronous)
            {
                await server.ReloadConfigAsync(replica, cancellationToken);
            }

            await server.ReloadConfigAsync(Environment.Primary, cancellationToken);
        });
    }

    private async Task<DownOutcome> BringDownAsync(bool purge, CancellationToken cancellationToken)
    {
        var outcomes = new List<NodeOutcome<NodeDownAction>>();
        var root = _nodes.State.Root;
        if (Directory.Exists(root))
        {
            var (server, credentials) = await _nodes.CreateServerAsync(create: false, cancellationToken);
            await WarnOfRunningMigrationAsync(credentials, cancellationToken);
            foreach (var node in Environment.Nodes)
            {
                // A purge removes a frozen container with the rest; a plain down would leave it behind, saying it stopped.
                if (!purge && await _nodes.Hosting.IsFrozenAsync(node, cancellationToken))
                {
                    throw new LocalProviderException(
                        $"node '{node.Name}' is frozen (its container is paused), so its server can be neither stopped cleanly nor left running unsaid: " +
                        "unpause it ('docker unpause' its container) and run 'down' again, or 'down --purge' to remove everything.");
                }
            }

            foreach (var level in Environment.Levels())
            {
                outcomes.AddRange(await Task.WhenAll(level.Select(node => DownNodeAsync(server, node, cancellationToken))));
            }

            await _nodes.StopStrayProcessesAsync(cancellationToken);
            if (server.LogArchiver is { } archiver)
            {
                await archiver.StopAsync(cancellationToken);
            }

            if (purge)
            {
                await _nodes.Hosting.RemoveAsync(cancellationToken);
                Directory.Delete(root, recursive: true);
                _nodes.State.ForgetSharedCaIfUnused();
            }
        }
        else
        {
            await _nodes.DownWithoutStateAsync(purge, cancellationToken);
            if (purge)
            {
                _nodes.State.ForgetSharedCaIfUnused();
            }

            outcomes.AddRange(Environment.Nodes.Select(n => new NodeOutcome<NodeDownAction>(n.Name, NodeDownAction.NeverInitialized, TimeSpan.Zero)));
        }

        return new DownOutcome(outcomes, purge, root);
    }

    /// <summary>Stops every node without saving anything and deletes the state directory, and the containers, volumes and network of a docker one (scratch environments).</summary>
    public Task DiscardAsync(CancellationToken cancellationToken) => ExclusiveAsync("discard", async () =>
    {
        if (!Directory.Exists(_nodes.State.Root))
        {
            return false;
        }

        var (server, _) = await _nodes.CreateServerAsync(create: false, cancellationToken);
        await Task.WhenAll(Environment.Nodes.Select(node => server.DiscardAsync(node, cancellationToken)));
        await _nodes.StopStrayProcessesAsync(cancellationToken);
        await _nodes.Hosting.RemoveAsync(cancellationToken);
        Directory.Delete(_nodes.State.Root, recursive: true);
        return true;
    }, cancellationToken);

    /// <summary>
    /// Replaces the primary's data with a physical backup's copy, which becomes its data directory.
    /// The replicas are removed first, so they do not replay the restore only to be rebuilt: the
    /// caller verifies the returned database before <see cref="UpAsync"/> clones them from it.
    /// </summary>
    public Task<(ConnectionTarget Database, RecoveryPoint? Point)> RestorePrimaryAsync(PhysicalCopy copy, CancellationToken cancellationToken) =>
        ExclusiveAsync("restore", () => ReplacePrimaryDataAsync(copy, load: null, cancellationToken), cancellationToken);

    /// <summary>
    /// As <see cref="RestorePrimaryAsync"/>, for data that <paramref name="load"/> puts into the
    /// running primary over the admin connection it is given (a logical backup).
    /// </summary>
    public Task<(ConnectionTarget Database, RecoveryPoint? Point)> LoadIntoPrimaryAsync(Func<ConnectionTarget, CancellationToken, Task> load, CancellationToken cancellationToken) =>
        ExclusiveAsync("restore", () => ReplacePrimaryDataAsync(copy: null, load, cancellationToken), cancellationToken);

    private async Task<(ConnectionTarget Database, RecoveryPoint? Point)> ReplacePrimaryDataAsync(PhysicalCopy? copy, Func<ConnectionTarget, CancellationToken, Task>? load, CancellationToken cancellationToken)
    {
        var (server, credentials) = await _nodes.CreateServerAsync(create: true, cancellationToken);
        if (server.LogArchiver is { } archiver && Environment.Archive is not null)
        {
            // Each server closes its last log as it stops; it is archived before its folder goes,
            // so the history the restore leaves behind stays in the archive whole.
            foreach (var level in Environment.Levels().Reverse())
            {
                await Task.WhenAll(level.Select(node => server.StopAsync(node, cancellationToken)));
            }

            await archiver.StopAsync(cancellationToken);
        }

        foreach (var level in Environment.Levels().Skip(1).Reverse())
        {
            await Task.WhenAll(level.Select(node => _nodes.RemoveNodeAsync(server, node, cancellationToken)));
        }

        var primary = Environment.Primary;
        RecoveryPoint? point = null;
        if (copy is not null)
        {
            await _nodes.RemoveNodeAsync(server, primary, cancellationToken);
            point = await server.RestorePhysicalAsync(primary, copy, cancellationToken);
        }
        else
        {
            await UpNodeAsync(server, primary, cancellationToken);
            await load!(_nodes.Engine.AdminTarget(primary, credentials), cancellationToken);
        }

        return (_nodes.Engine.AdminTarget(primary, credentials, Environment.Database), point);
    }

    /// <summary>
    /// Says so when a migration holds the migration lock of the environment's database: stopping
    /// the servers interrupts it (migrate then reports it failed; what it committed stays). A
    /// primary that does not answer within a few seconds has nothing to say.
    /// </summary>
    private async Task WarnOfRunningMigrationAsync(EnvironmentCredentials credentials, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var primary = Environment.Primary;
            await using var session = await _nodes.Engine.ConnectAsync(_nodes.Engine.AdminTarget(primary, credentials, Environment.Database), limit.Token);
            if (await _nodes.Engine.MigrationStore(VersionTable.Default).LockHolderAsync(session, Environment.Database, limit.Token) is { } holder)
            {
                _progress.Report(new ProgressEvent(primary.Name,
                    $"a migration is running on '{Environment.Database}' (its lock is held by {holder}): stopping the servers interrupts it; migrate will report it failed, and what it committed stays applied",
                    ProgressKind.Info));
            }
        }
        catch (Exception e) when (e is DatabaseException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Not running, or no database yet: no migration to interrupt.
        }
    }

    /// <summary>
    /// A new environment (no state directory yet) whose port another program holds (another
    /// environment's server, say) is bad input: refused before anything is created, so no
    /// passwords or claim are left behind for a topology that never existed.
    /// </summary>
    private void RefuseTakenPortsOfNewEnvironment()
    {
        if (Directory.Exists(_nodes.State.Root))
        {
            return;
        }

        foreach (var node in Environment.Nodes)
        {
            if (_nodes.Provider.PortTaken(node) is { } taken)
            {
                throw new StateDirectoryConflictException(
                    $"cannot bring up '{Environment.Name}': node '{node.Name}' is to listen on {node.Endpoint}, but {taken}. Give the node another port in {UserPath.Of(Environment.FilePath)}, or stop that program; nothing was created");
            }
        }
    }

    /// <summary>
    /// An up interrupted part-way (killed, the machine restarted) can leave a node's server
    /// running before the node's setup completed. That node is set up afresh, so the server is
    /// the environment's own, working in the node's directory: it is stopped, rather than taken
    /// for a stranger on the node's port.
    /// </summary>
    private async Task StopInterruptedSetupsAsync(CancellationToken cancellationToken)
    {
        foreach (var node in Environment.Nodes.Where(n => !n.Fenced && !_nodes.State.IsInitialized(n)))
        {
            var directory = _nodes.State.NodeDir(node);
            if (Directory.Exists(directory) && _nodes.Provider.ServersIn(directory).Count > 0)
            {
                await _nodes.Progress.StepAsync(node.Name, $"stop the server an interrupted 'up' left running in {directory} (the node is set up afresh)", () =>
                    _nodes.Provider.StopServersInAsync(directory, kill: false, cancellationToken));
            }
        }
    }

    /// <summary>
    /// Before any node starts, each one that is to start finds its port free: checked after, a
    /// port could be held by another node of this run already starting (an engine may start a
    /// replica's own server while its source is set up). A container's published port is held by
    /// the engine whether or not its server runs; the engine refuses a taken one itself.
    /// </summary>
    private async Task CheckPortsAsync(ILocalServer server, CancellationToken cancellationToken)
    {
        foreach (var node in Environment.Nodes.Where(n => !n.Fenced))
        {
            if (await server.GetStateAsync(node, cancellationToken) != LocalNodeState.Running && _nodes.Provider.PortTaken(node) is { } taken)
            {
                throw new LocalProviderException($"cannot start node '{node.Name}': {taken}. Stop it, or give the node another port.");
            }
        }
    }

    private async Task<NodeOutcome<NodeUpAction>> UpNodeAsync(ILocalServer server, NodeDefinition node, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (node.Fenced)
        {
            // Again, for a fence whose files could not be written when it was made (the Docker
            // engine unreachable then): nothing starts this node before they say read-only.
            await server.WriteFenceAsync(node, cancellationToken);
            _nodes.Progress.Report(new ProgressEvent(node.Name, $"fenced by a failover; not started. Run 'rejoin {node.Name}' or 'replica rebuild {node.Name}'", ProgressKind.Info));
            return new NodeOutcome<NodeUpAction>(node.Name, NodeUpAction.Fenced, clock.Elapsed);
        }

        var state = await server.GetStateAsync(node, cancellationToken);
        var turningTlsOn = state is LocalNodeState.Running or LocalNodeState.Stopped or LocalNodeState.Crashed
            && await _nodes.RunsWithoutTlsAsync(node, cancellationToken);
        if (turningTlsOn)
        {
            _nodes.Progress.Report(new ProgressEvent(node.Name, "turning TLS on: its server ran without certificates; it starts with its own now", ProgressKind.Info));
        }

        NodeUpAction action;
        switch (state)
        {
            case LocalNodeState.Running when turningTlsOn:
                await server.StopAsync(node, cancellationToken);
                await server.StartAsync(node, cancellationToken);
                action = NodeUpAction.TlsTurnedOn;
                break;
            case LocalNodeState.Running when _nodes.CertificateDue(node):
                // Written with the node's configuration, and read again at a reload: no restart.
                await _nodes.Progress.StepAsync(node.Name, "renew its certificate", () => server.ReloadConfigAsync(node, cancellationToken));
                action = NodeUpAction.CertificateRenewed;
                break;
            case LocalNodeState.Running:
                action = NodeUpAction.AlreadyRunning;
                break;
            case LocalNodeState.Stopped:
                await server.StartAsync(node, cancellationToken);
                action = NodeUpAction.Started;
                break;
            case LocalNodeState.Crashed:
                _nodes.Progress.Report(new ProgressEvent(node.Name, "was not shut down cleanly (stale pid file); recovering", ProgressKind.Info));
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
                    await server.BootstrapReplicaAsync(node, Environment.Node(node.Source!), cancellationToken);
                    action = NodeUpAction.Bootstrapped;
                }

                break;
        }

        if (turningTlsOn && node.Role == NodeRole.Replica)
        {
            // Its source (a level before it) refuses plain connections now; a MariaDB replica
            // keeps how it connects in its own tables, so it is pointed at its source anew.
            await server.RepointAsync(node, Environment.Node(node.Source!), cancellationToken);
        }

        return new NodeOutcome<NodeUpAction>(node.Name, action, clock.Elapsed);
    }

    private async Task<NodeOutcome<NodeDownAction>> DownNodeAsync(ILocalServer server, NodeDefinition node, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (!await _nodes.Hosting.IsUpAsync(node, cancellationToken))
        {
            return new NodeOutcome<NodeDownAction>(node.Name, NodeDownAction.WasNotRunning, clock.Elapsed);
        }

        var state = await server.GetStateAsync(node, cancellationToken);
        if (state == LocalNodeState.Running)
        {
            await server.StopAsync(node, cancellationToken);
        }

        await _nodes.Hosting.StopAsync(node, cancellationToken);
        return new NodeOutcome<NodeDownAction>(
            node.Name,
            state switch { LocalNodeState.NotInitialized => NodeDownAction.NeverInitialized, LocalNodeState.Running => NodeDownAction.Stopped, _ => NodeDownAction.WasNotRunning },
            clock.Elapsed);
    }
}
