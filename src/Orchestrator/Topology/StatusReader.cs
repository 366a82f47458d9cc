using Orchestrator.Environments;
using Orchestrator.Local;

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
        var observations = await ObservedNode.ObserveAllAsync(environment.Nodes, engine, credentials, cancellationToken);

        var primary = observations.FirstOrDefault(o => o.IsPrimary)?.Observation;
        var rows = observations.Select(o => Row(environment, engine, o.Node, o.Observation, o.Error, primary)).ToList();
        var (migrations, problem) = await SelectedMigrationsAsync(environment, cancellationToken);
        rows = (await Task.WhenAll(rows.Select(row => WithVersionsAsync(environment, engine, credentials, row, migrations, cancellationToken)))).ToList();
        return new EnvironmentStatus(environment.Name, environment.Engine, environment.Provider, rows) { MigrationsProblem = problem };
    }

    private static async Task<(IReadOnlyList<Migrations.MigrationInfo>? Migrations, string? Problem)> SelectedMigrationsAsync(EnvironmentDefinition environment, CancellationToken cancellationToken)
    {
        if (environment.Migrations is null)
        {
            return (null, null);
        }

        try
        {
            var assembly = await Migrations.Loading.MigrationAssemblyLoader.LoadAsync(environment, cancellationToken);
            return (Migrations.MigrationCatalog.Load(assembly, environment.Migrations.Tags), null);
        }
        catch (Migrations.MigrationDefinitionException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Adds the node's own view of the version table: what it has applied or replayed.</summary>
    private static async Task<NodeStatus> WithVersionsAsync(
        EnvironmentDefinition environment, IEngine engine, EnvironmentCredentials credentials, NodeStatus row, IReadOnlyList<Migrations.MigrationInfo>? migrations, CancellationToken cancellationToken)
    {
        if (!row.Reachable)
        {
            return row;
        }

        try
        {
            await using var session = await engine.ConnectAsync(engine.AdminTarget(environment.Node(row.Name), credentials, environment.Database), cancellationToken);
            var applied = await engine.MigrationStore.ReadAppliedAsync(session, cancellationToken);
            var versions = applied.Select(a => a.Version).ToHashSet();
            return row with
            {
                SchemaVersion = applied.Count == 0 ? null : applied.Max(a => a.Version),
                LastAppliedOn = applied.Where(a => a.AppliedOn is not null).Select(a => a.AppliedOn).Max(),
                PendingMigrations = migrations?.Count(m => !versions.Contains(m.Version)),
            };
        }
        catch (Data.DatabaseException)
        {
            // The application database does not exist on this node (yet): nothing applied.
            return row with { PendingMigrations = migrations?.Count };
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
