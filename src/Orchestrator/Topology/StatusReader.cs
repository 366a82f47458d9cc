using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Processes;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Context;

namespace Orchestrator.Topology;

/// <summary>
/// Reads every node's state from the servers themselves, in parallel. An unreachable node is
/// a row with its error, never an exception.
/// </summary>
internal static class StatusReader
{
    public static async Task<EnvironmentStatus> ReadAsync(EnvironmentContext context, CancellationToken cancellationToken)
    {
        // The migrations load (from a cached build) while the servers are asked.
        var loading = Task.Run(() => MigrationProject.TryLoadAsync(context.Definition, cancellationToken), cancellationToken);
        var status = await ReadAsync(context, loading, cancellationToken);
        (await loading).Project?.Dispose();
        return status;
    }

    /// <summary>The same with migrations loaded once by the caller (a live view refreshing), which keeps them.</summary>
    /// <param name="perNode">How long one node may take to answer (default 15 s) before it counts as unreachable.</param>
    /// <param name="sessions">Sessions kept between reads; by default each read connects and disconnects.</param>
    public static async Task<EnvironmentStatus> ReadAsync(
        EnvironmentContext context,
        Task<(MigrationProject? Project, string? Problem)> loading,
        CancellationToken cancellationToken,
        TimeSpan? perNode = null,
        INodeSessions? sessions = null)
    {
        var (environment, engine) = (context.Definition, context.Engine);
        var limit = perNode ?? TimeSpan.FromSeconds(15);
        var state = context.State;
        NodeReading[] reads;
        if (sessions is null)
        {
            var credentials = await CredentialsAsync(environment, state, cancellationToken);
            reads = await Task.WhenAll(environment.Nodes.Select(node => ReadNodeAsync(environment, engine, credentials, node, loading, limit, cancellationToken)));
        }
        else
        {
            reads = await Task.WhenAll(environment.Nodes.Select(node => ReadKeptNodeAsync(engine, node, sessions, loading, limit, cancellationToken)));
        }

        var shape = state is null ? null : LiveShape.Load(state);
        return Compose(context, state, shape, reads, await loading) with
        {
            FencedNodes = shape?.FencedNodes.ToList() ?? [],
            ArchiverProblems = state is null ? [] : engine.ArchiverProblems(environment, state),
        };
    }

    /// <summary>
    /// The status with what the hosts of its unreachable nodes say about them (a docker
    /// environment's containers); a fenced node's silence needs no explaining.
    /// </summary>
    public static async Task<EnvironmentStatus> ExplainHostsAsync(EnvironmentDefinition environment, EnvironmentStatus status, CancellationToken cancellationToken) =>
        HostProviders.For(environment) is { } provider
            ? status with
            {
                HostNotes = await provider.ExplainUnreachableAsync(
                    environment, status.Nodes.Where(n => !n.Reachable && !status.FencedNodes.Contains(n.Name)).Select(n => n.Name), cancellationToken),
            }
            : status;

    /// <summary>The passwords the reads log in with; a docker environment's containers that outlived them are named.</summary>
    public static async Task<EnvironmentCredentials> CredentialsAsync(EnvironmentDefinition environment, StateLayout? state, CancellationToken cancellationToken)
    {
        if (state is not null && HostProviders.For(environment) is { } provider
            && await LostPasswordsAsync(provider, environment, state, cancellationToken) is { } lost)
        {
            throw new StateDirectoryConflictException(lost);
        }

        return CredentialStore.Resolve(environment, state, create: false);
    }

    /// <summary>One node read on its own (a live view refreshes each node at its own pace), within <paramref name="limit"/>.</summary>
    public static Task<NodeReading> ReadNodeAsync(
        EnvironmentContext context, EnvironmentCredentials credentials, NodeDefinition node, Task<(MigrationProject? Project, string? Problem)> loading, TimeSpan limit, CancellationToken cancellationToken) =>
        ReadNodeAsync(context.Definition, context.Engine, credentials, node, loading, limit, cancellationToken);

    /// <summary>The rows of the environment from each node's latest reading (lag against the primary's).</summary>
    public static EnvironmentStatus Compose(EnvironmentContext context, StateLayout? state, IReadOnlyList<NodeReading> reads, (MigrationProject? Project, string? Problem) migrations) =>
        Compose(context, state, state is null ? null : LiveShape.Load(state), reads, migrations);

    /// <summary>The same with the live shape the caller already read.</summary>
    private static EnvironmentStatus Compose(
        EnvironmentContext context, StateLayout? state, LiveShape? shape, IReadOnlyList<NodeReading> reads, (MigrationProject? Project, string? Problem) migrations)
    {
        var (environment, engine) = (context.Definition, context.Engine);
        var (project, problem) = migrations;
        var primary = reads.FirstOrDefault(r => r.Observation?.Role == ObservedRole.Primary)?.Observation;
        var peers = ServerViews.Of(environment, state, engine.Descriptor.Server?.ContainerPort ?? 0);
        var shaped = shape?.Apply(environment) ?? environment;
        var rows = reads.Select(r => Row(peers, engine, r.Node, r.Observation, r.Error, primary) with
        {
            ExpectsSynchronous = r.Observation?.Role == ObservedRole.Primary && shaped.ReplicasOf(r.Node.Name).Any(n => n.Sync),
            SchemaVersion = r.Applied is { Count: > 0 } applied ? applied.Max(a => a.Version) : null,
            LastAppliedOn = r.Applied?.Where(a => a.AppliedOn is not null).Select(a => a.AppliedOn).Max(),
            PendingMigrations = project is null || r.Observation is null ? null : MigrationPlanner.SelectUp(project.Migrations, r.Applied ?? [], null).Count,
            InProgressMigrations = r.InProgress,
        });
        return new EnvironmentStatus(environment.Name, environment.Engine, environment.Provider, rows.ToList()) { MigrationsProblem = problem };
    }

    /// <summary>
    /// One session per node, to the application database where it exists (else the maintenance
    /// database): the server's view of itself, and its own version table. A node that does not
    /// answer within the limit is unreachable, never an exception.
    /// </summary>
    private static async Task<NodeReading> ReadNodeAsync(
        EnvironmentDefinition environment,
        IEngine engine,
        EnvironmentCredentials credentials,
        NodeDefinition node,
        Task<(MigrationProject? Project, string? Problem)> loading,
        TimeSpan limit,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            IDbSession session;
            var hasDatabase = true;
            try
            {
                session = await engine.ConnectAsync(engine.AdminTarget(node, credentials, environment.Database), timeout.Token);
            }
            catch (DatabaseException e) when (engine.Replay.IsNotYetReplicated(e))
            {
                // The application database does not exist on this node (yet): nothing applied.
                session = await engine.ConnectAsync(engine.AdminTarget(node, credentials), timeout.Token);
                hasDatabase = false;
            }

            await using (session)
            {
                return await ReadOnSessionAsync(engine, node, session, hasDatabase, loading, timeout.Token);
            }
        }
        catch (Exception e) when (e is DatabaseException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new NodeReading(node, null, null, Redactor.Redact(e.Message));
        }
    }

    /// <summary>The same over a kept session, which is discarded when the read fails.</summary>
    private static async Task<NodeReading> ReadKeptNodeAsync(
        IEngine engine, NodeDefinition node, INodeSessions sessions, Task<(MigrationProject? Project, string? Problem)> loading, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            return await ReadOnSessionAsync(engine, node, await sessions.OpenAsync(node, timeout.Token), hasDatabase: true, loading, timeout.Token);
        }
        catch (Exception e) when (e is DatabaseException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            sessions.Discard(node);
            return new NodeReading(node, null, null, Redactor.Redact(e.Message));
        }
    }

    private static async Task<NodeReading> ReadOnSessionAsync(
        IEngine engine, NodeDefinition node, IDbSession session, bool hasDatabase, Task<(MigrationProject? Project, string? Problem)> loading, CancellationToken cancellationToken)
    {
        var observation = await engine.ObserveAsync(session, cancellationToken);
        var versionTable = (await loading).Project?.VersionTable ?? VersionTable.Default;
        var store = engine.MigrationStore(versionTable);
        return hasDatabase
            ? new NodeReading(node, observation, await ReadAppliedAsync(store, session, cancellationToken), null) { InProgress = await store.ReadInProgressAsync(session, cancellationToken) }
            : new NodeReading(node, observation, [], null);
    }

    /// <param name="peers">The environment as its servers address each other: a replica reports its source that way.</param>
    private static NodeStatus Row(EnvironmentDefinition peers, IEngine engine, NodeDefinition node, NodeObservation? observation, string? error, NodeObservation? primary)
    {
        if (observation is null)
        {
            return new NodeStatus(node.Name, node.Role, node.Endpoint, false, error, null, null, null, null, null, null, null, null) { ExpectedSource = node.Source };
        }

        var lag = observation.Role == ObservedRole.Replica && primary is not null ? engine.Lag(primary, observation) : new ReplicationLag(null, null);
        var from = observation.SourceHost is { } sourceHost ? peers.NameAt(sourceHost, observation.SourcePort) : null;

        return new NodeStatus(
            node.Name, node.Role, node.Endpoint, true, null, observation.Role, observation.ServerVersion, from,
            observation.ReplicationState, observation.Position, lag.Bytes, lag.Transactions, observation.LagSeconds)
        {
            ExpectedSource = node.Source,
            File = observation.File,
            Connections = observation.Connections,
            Synchronous = observation.Synchronous,
            CertificateNotAfter = observation.CertificateNotAfter,
            Archive = observation.Archive,
        };
    }

    /// <summary>A version table that cannot be read counts as nothing applied; the node itself answered.</summary>
    private static async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(IVersionRecords store, IDbSession session, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadAppliedAsync(session, cancellationToken);
        }
        catch (DatabaseException)
        {
            return [];
        }
    }

    /// <summary>What one node said about itself (or why it said nothing).</summary>
    internal sealed record NodeReading(NodeDefinition Node, NodeObservation? Observation, IReadOnlyList<AppliedMigration>? Applied, string? Error)
    {
        /// <summary>Migrations an earlier run started and did not finish, as this node's records say.</summary>
        public IReadOnlyList<MigrationInProgress> InProgress { get; init; } = [];
    }


    /// <summary>Servers that outlived the state directory's passwords (containers), for a better word than "not brought up"; null without them, or without a provider to ask.</summary>
    private static async Task<string?> LostPasswordsAsync(IHostProvider provider, EnvironmentDefinition environment, StateLayout state, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.LostPasswordsAsync(environment, state, cancellationToken);
        }
        catch (LocalProviderException)
        {
            return null;
        }
    }
}
