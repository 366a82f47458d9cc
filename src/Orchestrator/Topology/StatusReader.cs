using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Topology;

/// <summary>
/// Reads every node's state from the servers themselves, in parallel. An unreachable node is
/// a row with its error, never an exception.
/// </summary>
public static class StatusReader
{
    public static async Task<EnvironmentStatus> ReadAsync(EnvironmentDefinition environment, string? stateDir, CancellationToken cancellationToken)
    {
        var engine = EngineRegistry.For(environment.Engine);
        var state = environment.Provider == ProviderKind.Local ? StateLayout.For(environment, stateDir) : null;
        var credentials = CredentialStore.Resolve(environment, state, create: false);

        // The migrations load (from a cached build) while the servers are asked.
        var loading = MigrationProject.TryLoadAsync(environment, cancellationToken);
        var observations = await ObservedNode.ObserveAllAsync(environment.Nodes, engine, credentials, cancellationToken);
        var (project, problem) = await loading;
        using (project)
        {
            var primary = observations.FirstOrDefault(o => o.IsPrimary)?.Observation;
            var store = engine.MigrationStore(project?.VersionTable ?? VersionTable.Default);
            var rows = await Task.WhenAll(observations
                .Select(o => Row(environment, engine, o.Node, o.Observation, o.Error, primary))
                .Select(row => WithVersionsAsync(environment, engine, store, credentials, row, project?.Migrations, cancellationToken)));
            return new EnvironmentStatus(environment.Name, environment.Engine, environment.Provider, rows) { MigrationsProblem = problem };
        }
    }

    /// <summary>Adds the node's own view of the version table: what it has applied or replayed, and what migrate would still apply there.</summary>
    private static async Task<NodeStatus> WithVersionsAsync(
        EnvironmentDefinition environment,
        IEngine engine,
        IMigrationStore store,
        EnvironmentCredentials credentials,
        NodeStatus row,
        IReadOnlyList<ProjectMigration>? migrations,
        CancellationToken cancellationToken)
    {
        if (!row.Reachable)
        {
            return row;
        }

        try
        {
            await using var session = await engine.ConnectAsync(engine.AdminTarget(environment.Node(row.Name), credentials, environment.Database), cancellationToken);
            var applied = await store.ReadAppliedAsync(session, cancellationToken);
            return row with
            {
                SchemaVersion = applied.Count == 0 ? null : applied.Max(a => a.Version),
                LastAppliedOn = applied.Where(a => a.AppliedOn is not null).Select(a => a.AppliedOn).Max(),
                PendingMigrations = migrations is null ? null : MigrationPlanner.SelectUp(migrations, applied, null).Count,
            };
        }
        catch (Data.DatabaseException)
        {
            // The application database does not exist on this node (yet): nothing applied.
            return row with { PendingMigrations = migrations is null ? null : MigrationPlanner.SelectUp(migrations, [], null).Count };
        }
    }

    private static NodeStatus Row(EnvironmentDefinition environment, IEngine engine, NodeDefinition node, NodeObservation? observation, string? error, NodeObservation? primary)
    {
        if (observation is null)
        {
            return new NodeStatus(node.Name, node.Role, node.Endpoint, false, error, null, null, null, null, null, null, null, null) { ExpectedSource = node.Source };
        }

        var lag = observation.Role == ObservedRole.Replica && primary is not null ? engine.Lag(primary, observation) : new ReplicationLag(null, null);
        string? from = null;
        if (observation.SourceHost is not null)
        {
            var source = environment.Nodes.FirstOrDefault(n => n.Port == observation.SourcePort && SameHost(n.Host, observation.SourceHost));
            from = source?.Name ?? $"{observation.SourceHost}:{observation.SourcePort}";
        }

        return new NodeStatus(
            node.Name, node.Role, node.Endpoint, true, null, observation.Role, observation.ServerVersion, from,
            observation.ReplicationState, observation.Position, lag.Bytes, lag.Transactions, observation.LagSeconds)
        {
            ExpectedSource = node.Source,
        };
    }

    private static bool SameHost(string a, string b) =>
        a == b || (IsLocalhost(a) && IsLocalhost(b));

    private static bool IsLocalhost(string host) => host is "localhost" or "127.0.0.1";
}
