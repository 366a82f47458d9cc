using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Migrations.Running;
using Orchestrator.Migrations.Translation;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Context;

namespace Orchestrator.Migrations;

/// <summary>
/// An environment's migrations and a runner connected to its primary's database. The
/// migrations are loaded and checked before connecting, so bad input never reaches the server.
/// </summary>
internal sealed class MigrationTarget : IAsyncDisposable
{
    private readonly IDbSession _session;
    private readonly ReplicaWatch? _replicas;
    private readonly IVersionRecords _store;
    private bool _ownsProject = true;

    private MigrationTarget(MigrationProject project, MigrationRunner runner, IDbSession session, ReplicaWatch? replicas, NodeDefinition node, IVersionRecords store)
    {
        _store = store;
        Project = project;
        Runner = runner;
        _session = session;
        _replicas = replicas;
        Node = node;
    }

    public MigrationProject Project { get; }

    public MigrationRunner Runner { get; }

    public NodeDefinition Node { get; }

    public static Task<MigrationTarget> OpenAsync(EnvironmentContext context, CancellationToken cancellationToken) =>
        OpenAsync(context, Task.Run(() => MigrationProject.LoadAsync(context.Definition, cancellationToken), cancellationToken), ownsProject: true, cancellationToken);

    /// <summary>A target over migrations loaded once for several databases (the shards of an environment); the caller disposes the project.</summary>
    public static Task<MigrationTarget> OpenAsync(EnvironmentContext context, MigrationProject shared, CancellationToken cancellationToken) =>
        OpenAsync(context, Task.FromResult(shared), ownsProject: false, cancellationToken);

    private static async Task<MigrationTarget> OpenAsync(
        EnvironmentContext context, Task<MigrationProject> loading, bool ownsProject, CancellationToken cancellationToken)
    {
        // Loading the migrations (CPU) and finding the primary (network) overlap; nothing is
        // changed before both succeeded, and a definition error wins over a connection error.
        var (environment, engine, progress) = (context.Definition, context.Engine, context.Progress);
        var state = context.State;
        IDbSession session;
        NodeDefinition primary;
        EnvironmentCredentials credentials;
        try
        {
            credentials = context.Credentials;
            // An engine without servers has no role to ask about: its database file is its own
            // primary, and migrating creates it, so it is not opened before the session below.
            primary = engine.Descriptor.Server is null ? environment.Primary : await DiscoverPrimaryAsync(environment, engine, credentials, cancellationToken);
            session = await engine.ConnectAsync(engine.AdminTarget(primary, credentials, environment.Database) with { ForUserCode = true, CreateIfMissing = true }, cancellationToken);
        }
        catch
        {
            if (ownsProject)
            {
                (await loading).Dispose();
            }

            throw;
        }

        MigrationProject project;
        try
        {
            project = await loading;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }

        try
        {
            var target = Open(environment, engine, state, credentials, project, session, primary, progress);
            target._ownsProject = ownsProject;
            return target;
        }
        catch
        {
            if (ownsProject)
            {
                project.Dispose();
            }

            await session.DisposeAsync();
            throw;
        }
    }

    private static MigrationTarget Open(
        EnvironmentDefinition environment,
        IEngine engine,
        StateLayout? state,
        EnvironmentCredentials credentials,
        MigrationProject project,
        IDbSession session,
        NodeDefinition primary,
        ITopologyProgress progress)
    {
        var syntax = MigrationSyntax.For(engine.MigrationDialect, environment.Migrations!.Dialect, session.Connection);
        var store = engine.MigrationStore(project.VersionTable);
        var appliedFrom = $"{System.Environment.UserName}@{System.Environment.MachineName} ({Path.GetFileName(environment.FilePath)}, environment '{environment.Name}')";
        // A node a failover fenced is down on purpose until it is rejoined or rebuilt (and then cloned or rewound).
        var fenced = state is null ? [] : LiveShape.Load(state)?.FencedNodes.ToHashSet() ?? [];
        foreach (var node in fenced)
        {
            progress.Report(new ProgressEvent(node, "fenced by a failover: not waited for", ProgressKind.Info));
        }

        var watched = environment.Nodes.Where(n => n.Name != primary.Name && !fenced.Contains(n.Name)).ToList();
        var replicas = watched.Count > 0
            ? new ReplicaWatch(
                watched,
                (node, token) => engine.ConnectAsync(engine.AdminTarget(node, credentials, environment.Database), token),
                store,
                engine.Replay,
                environment.Replication.ReplayTimeout)
            : null;
        var runner = new MigrationRunner(session, store, new MigrationTranslator(project, syntax, session.Connection), engine.Replay, environment.Database, appliedFrom, progress)
        {
            Replicas = replicas,
            Wait = environment.Replication.Wait,
            LockWaits = new LockWaitSetup(
                engine.LockWaits,
                environment.Migrations.Locks,
                token => engine.ConnectAsync(engine.AdminTarget(primary, credentials, environment.Database), token)),
            Offline = environment.Migrations.Offline,
            MaxReplicaLag = environment.Migrations.MaxReplicaLag ?? CopyPacing.DefaultMaxReplicaLag,
        };
        return new MigrationTarget(project, runner, session, replicas, primary, store);
    }

    /// <summary>
    /// The node that reports itself primary right now: the servers, not the file, say who is
    /// primary (a switchover may have moved the role; an external environment may name it wrongly).
    /// </summary>
    public static async Task<NodeDefinition> DiscoverPrimaryAsync(EnvironmentDefinition environment, IEngine engine, EnvironmentCredentials credentials, CancellationToken cancellationToken)
    {
        var observed = await ObservedNode.ObserveAllAsync(environment.Nodes, engine, credentials, cancellationToken);
        var primaries = observed.Where(o => o.IsPrimary).Select(o => o.Node).ToList();
        return primaries.Count switch
        {
            1 => primaries[0],
            0 => throw new MigrationFailedException(
                $"no reachable node of '{environment.Name}' reports itself primary ({string.Join(", ", observed.Select(o => $"{o.Node.Name}: {o.Observation?.Role.ToString().ToLowerInvariant() ?? (o.Error is { } error ? $"unreachable ({error})" : "unreachable")}"))}); check 'status'",
                new InvalidOperationException("no primary")),
            _ => throw new MigrationFailedException(
                $"{primaries.Count} nodes of '{environment.Name}' report themselves primary ({string.Join(", ", primaries.Select(p => p.Name))}); refusing to migrate a split topology",
                new InvalidOperationException("several primaries")),
        };
    }

    /// <summary>The newest applied version as the version table says now (null: none applied).</summary>
    public async Task<long?> ReadVersionAsync(CancellationToken cancellationToken) =>
        (await _store.ReadAppliedAsync(_session, cancellationToken)).Select(a => (long?)a.Version).Max();

    public async ValueTask DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }

        await _session.DisposeAsync();
        if (_ownsProject)
        {
            Project.Dispose();
        }
    }
}
