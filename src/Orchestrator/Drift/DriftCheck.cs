using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Processes;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Context;

namespace Orchestrator.Drift;

/// <summary>
/// Reads the application database's structure on every node and compares: each replica with
/// its environment's primary (the node that reports itself primary), and, given several
/// environments (two files, or the shards of one), the first one's primary with each other's.
/// </summary>
internal static class DriftCheck
{
    public static async Task<DriftReport> RunAsync(IReadOnlyList<EnvironmentContext> environments, CancellationToken cancellationToken, bool againstMigrations = false)
    {
        if (againstMigrations && environments.Count != 1)
        {
            throw new IncomparableEnvironmentsException("--against-migrations compares one environment with what its applied migrations produce; give one environment");
        }

        var crossEngine = environments.Select(e => e.Definition.Engine).Distinct().Count() > 1;

        var nodes = new List<NodeSchema>();
        var comparisons = new List<DriftComparison>();
        var primaries = new List<NodeSchema>();
        var portable = new List<SchemaShape?>();
        foreach (var context in environments)
        {
            var (environment, engine) = (context.Definition, context.Engine);
            var credentials = context.Credentials;
            var read = await Task.WhenAll(environment.Nodes.Select(n => ReadAsync(environment, engine, credentials, n, crossEngine, cancellationToken)));
            nodes.AddRange(read.Select(r => r.Schema));
            var primaryRead = read.FirstOrDefault(r => r.Role == ObservedRole.Primary);
            if (primaryRead.Schema is null)
            {
                primaryRead = read.First(r => r.Node.Role == NodeRole.Primary);
            }

            var primary = primaryRead.Schema;
            primaries.Add(primary);
            portable.Add(primaryRead.Portable);
            if (againstMigrations && primary.Shape is not null)
            {
                using var project = await MigrationProject.LoadAsync(environment, cancellationToken);
                await using var session = await engine.ConnectAsync(engine.AdminTarget(primaryRead.Node ?? environment.Primary, credentials, environment.Database), cancellationToken);
                var applied = await engine.MigrationStore(project.VersionTable).ReadAppliedAsync(session, cancellationToken);
                var baseline = await MigrationsBaseline.ReadAsync(context, applied.Select(a => a.Version).ToList(), cancellationToken);
                nodes.Add(baseline);
                comparisons.Add(new DriftComparison(baseline.Name, primary.Name, SchemaComparer.Compare(baseline.Shape!, primary.Shape)));
            }

            foreach (var other in read.Select(r => r.Schema).Where(s => s != primary && s.Shape is not null && primary.Shape is not null))
            {
                comparisons.Add(new DriftComparison(primary.Name, other.Name, SchemaComparer.Compare(primary.Shape!, other.Shape!)));
            }
        }

        if (crossEngine && portable.All(p => p is not null))
        {
            // Each engine on the terms they share: both shapes as every engine compared can hold them.
            var shapes = portable.Select(p => environments.Aggregate(p!, (shape, e) => e.Engine.AsItCanHold(shape))).ToList();
            comparisons.Add(new DriftComparison($"{primaries[0].Name} (across engines)", $"{primaries[1].Name} (across engines)", SchemaComparer.Compare(shapes[0], shapes[1])));
        }
        else if (primaries[0].Shape is { } reference)
        {
            // Two environments, or the shards of one against its reference shard (the first).
            foreach (var other in primaries.Skip(1).Where(p => p.Shape is not null))
            {
                comparisons.Add(new DriftComparison(primaries[0].Name, other.Name, SchemaComparer.Compare(reference, other.Shape!)));
            }
        }

        return new DriftReport(nodes, comparisons);
    }

    /// <param name="portable">Also read the shape every engine shares, for a comparison across engines.</param>
    private static async Task<(NodeDefinition Node, ObservedRole? Role, NodeSchema Schema, SchemaShape? Portable)> ReadAsync(
        EnvironmentDefinition environment, IEngine engine, EnvironmentCredentials credentials, NodeDefinition node, bool portable, CancellationToken cancellationToken)
    {
        var name = $"{environment.Name}/{node.Name}";
        try
        {
            var role = (await engine.ObserveAsync(node, credentials, cancellationToken)).Role;
            await using var session = await engine.ConnectAsync(engine.AdminTarget(node, credentials, environment.Database), cancellationToken);
            var shape = await engine.SchemaReader.ReadApplicationAsync(session, cancellationToken);
            var shared = portable && role == ObservedRole.Primary ? await engine.SchemaReader.ReadPortableApplicationAsync(session, cancellationToken) : null;
            return (node, role, new NodeSchema(name, shape.Fingerprint(), shape, null), shared);
        }
        catch (DatabaseException e)
        {
            return (node, null, new NodeSchema(name, null, null, Redactor.Redact(e.Message)), null);
        }
    }
}
