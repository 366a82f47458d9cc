using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Topology;

/// <summary>Bringing a node back under the current primary: rejoin keeps its data when that is safe, rebuild clones it afresh.</summary>
public sealed partial class LocalTopology
{
    /// <summary>
    /// Makes a former primary (fenced or demoted) a replica of the node the servers report as
    /// primary: pg_rewind on PostgreSQL, GTID demotion on MariaDB. Refuses, changing nothing,
    /// when the node holds transactions the primary lacks and cannot be rewound.
    /// </summary>
    public async Task<RoleChangeOutcome> RejoinAsync(string name, CancellationToken cancellationToken)
    {
        const string operation = "rejoin";
        var clock = Stopwatch.StartNew();
        var (primary, credentials, refusal) = await CurrentPrimaryAsync(name, operation, cancellationToken);
        if (refusal is not null)
        {
            return refusal with { Duration = clock.Elapsed };
        }

        var shape = CurrentShape;
        var next = shape.With(name, new LiveNode(NodeRole.Replica, primary!, Fenced: false), $"{name} rejoined as a replica of {primary}");
        var environment = next.Apply(_file);
        var (server, _) = await CreateServerAsync(create: false, cancellationToken, environment);
        var change = await RejoinNodeAsync(server, credentials, environment, name, cancellationToken);
        if (change.Result == ChangeResult.Done)
        {
            SaveShape(next);
            await FinishAsync(environment, [], [change], cancellationToken);
        }

        return new RoleChangeOutcome(operation, [change], clock.Elapsed) { NewPrimary = primary };
    }

    /// <summary>
    /// Deletes the node's data and clones it again from its source in the live shape (from the
    /// primary when that source is not replicating or the node was fenced).
    /// </summary>
    public async Task<RoleChangeOutcome> RebuildAsync(string name, CancellationToken cancellationToken)
    {
        const string operation = "replica rebuild";
        var clock = Stopwatch.StartNew();
        var (primary, credentials, refusal) = await CurrentPrimaryAsync(name, operation, cancellationToken);
        if (refusal is not null)
        {
            return refusal with { Duration = clock.Elapsed };
        }

        var shape = CurrentShape;
        var live = shape.Nodes[name];
        var source = primary!;
        if (!live.Fenced && live.Role == NodeRole.Replica && live.Source is { } recorded && recorded != primary)
        {
            var observed = await ObservedNode.ObserveAllAsync([_environment.Node(recorded)], _engine, credentials, cancellationToken);
            source = observed[0].Observation is { IsReplicating: true } ? recorded : primary!;
        }

        var next = shape.With(name, new LiveNode(NodeRole.Replica, source, Fenced: false), $"{name} rebuilt from {source}");
        var environment = next.Apply(_file);
        var (server, _) = await CreateServerAsync(create: false, cancellationToken, environment);
        var node = environment.Node(name);
        var step = Stopwatch.StartNew();
        try
        {
            await server.DiscardAsync(node, cancellationToken);
            // A server whose data directory was deleted under it keeps running (and holding its
            // port) with nothing a pid file could tell; it still works in the deleted directory.
            await StopServersInAsync(_state.NodeDir(node), Libc.SigKill, cancellationToken);
            await RemoveNodeAsync(server, node, cancellationToken);
            SaveShape(next);
            await server.BootstrapReplicaAsync(node, environment.Node(source), cancellationToken);
            await WaitUntilReplicatingAsync(credentials, node, cancellationToken);
        }
        catch (Exception e) when (e is LocalProviderException or Data.DatabaseException or Processes.ProcessFailedException)
        {
            return new RoleChangeOutcome(operation, [new NodeChange(name, $"clone from {source}", ChangeResult.Failed, Processes.Redactor.Redact(e.Message), step.Elapsed)], clock.Elapsed);
        }

        return new RoleChangeOutcome(operation, [new NodeChange(name, $"clone from {source}", ChangeResult.Done, null, step.Elapsed)], clock.Elapsed) { NewPrimary = primary };
    }

    /// <summary>The single primary the servers report, refusing when <paramref name="name"/> is unknown or is that primary.</summary>
    private async Task<(string? Primary, EnvironmentCredentials Credentials, RoleChangeOutcome? Refusal)> CurrentPrimaryAsync(string name, string operation, CancellationToken cancellationToken)
    {
        var (_, credentials) = await CreateServerAsync(create: false, cancellationToken);
        if (!_environment.Nodes.Any(n => n.Name == name))
        {
            return (null, credentials, RoleChangeOutcome.Refused(operation, $"environment '{_environment.Name}' has no node '{name}' (nodes: {string.Join(", ", _environment.Nodes.Select(n => n.Name))})", badInput: true, TimeSpan.Zero));
        }

        var observed = await ObserveAsync(credentials, cancellationToken);
        var primaries = observed.Where(o => o.IsPrimary).ToList();
        if (primaries.Count != 1)
        {
            return (null, credentials, RoleChangeOutcome.Refused(operation, $"'{name}' needs one primary to follow; the servers report {Describe(observed)}", badInput: false, TimeSpan.Zero));
        }

        if (primaries[0].Node.Name == name)
        {
            return (null, credentials, RoleChangeOutcome.Refused(operation, $"'{name}' is the primary; switch over to another node first", badInput: true, TimeSpan.Zero));
        }

        return (primaries[0].Node.Name, credentials, null);
    }
}
