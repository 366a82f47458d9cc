using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Topology;

/// <summary>A planned switchover: the target takes over with everything the old primary committed.</summary>
public sealed partial class LocalTopology
{
    private const string Switchover = "switchover";

    /// <summary>
    /// Lets the target catch up while writes go on, stops writes on the primary, waits until the
    /// target has applied the primary's last position, promotes it, then moves the old primary
    /// and its other replicas under it. Writes are refused only between the stop and the
    /// promotion; when the target does not catch up, the old primary takes writes again.
    /// </summary>
    public async Task<RoleChangeOutcome> SwitchoverAsync(string to, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (!_environment.Nodes.Any(n => n.Name == to))
        {
            return RoleChangeOutcome.Refused(Switchover, $"environment '{_environment.Name}' has no node '{to}' (nodes: {string.Join(", ", _environment.Nodes.Select(n => n.Name))})", badInput: true, clock.Elapsed);
        }

        var (server, credentials) = await CreateServerAsync(create: false, cancellationToken);
        var observed = await ObserveAsync(credentials, cancellationToken);
        var primaries = observed.Where(o => o.IsPrimary).ToList();
        if (primaries.Count != 1)
        {
            return RoleChangeOutcome.Refused(Switchover, $"a switchover needs exactly one primary; the servers report {Describe(observed)}. Use 'failover' when the primary is gone.", badInput: false, clock.Elapsed);
        }

        var primary = primaries[0];
        var target = observed.Single(o => o.Node.Name == to);
        if (target == primary)
        {
            return RoleChangeOutcome.Refused(Switchover, $"'{to}' is already the primary", badInput: true, clock.Elapsed);
        }

        if (target.Observation is not { IsReplicating: true })
        {
            return RoleChangeOutcome.Refused(Switchover, $"'{to}' is not replicating ({target.Observation?.ReplicationState ?? target.Error}); fix or rebuild it first ('replica rebuild {to}')", badInput: false, clock.Elapsed);
        }

        var errant = await server.ErrantTransactionsAsync(target.Node, cancellationToken);
        if (errant.Count > 0)
        {
            return RoleChangeOutcome.Refused(Switchover, $"'{to}' has transactions written on it directly, which no other node has (errant: {string.Join(", ", errant)}); promoting it would spread them. Rebuild it ('replica rebuild {to}') or remove them first.", badInput: false, clock.Elapsed);
        }

        var shape = ShapeAfterPromotion(primary.Node.Name, to, fenceOldPrimary: false, $"switchover from {primary.Node.Name} to {to}");
        var next = shape.Apply(_file);
        var (promoting, _) = await CreateServerAsync(create: false, cancellationToken, WithoutSynchronousStandbys(next));

        // Catch up while writes still flow, so that the wait with writes refused is short.
        var timeout = _environment.Replication.ReplayTimeout;
        if (primary.Observation!.Position is { } current && !await server.WaitAppliedAsync(target.Node, current, timeout, cancellationToken))
        {
            return RoleChangeOutcome.Refused(Switchover, $"'{to}' did not catch up with {current} within {timeout.TotalSeconds:0} s; nothing was changed. Check 'status' for its lag.", badInput: false, clock.Elapsed);
        }

        var changes = new List<NodeChange>();
        var window = Stopwatch.StartNew();
        var position = await server.StopWritesAsync(primary.Node, cancellationToken);
        changes.Add(new NodeChange(primary.Node.Name, "stop writes", ChangeResult.Done, $"last position {position}", window.Elapsed));
        if (!await server.WaitAppliedAsync(target.Node, position, timeout, cancellationToken))
        {
            await server.ResumeWritesAsync(primary.Node, cancellationToken);
            changes.Add(new NodeChange(to, $"apply up to {position}", ChangeResult.Failed, $"not applied within {timeout.TotalSeconds:0} s; '{primary.Node.Name}' accepts writes again and nothing else was changed"));
            return new RoleChangeOutcome(Switchover, changes, clock.Elapsed) { OldPrimary = primary.Node.Name, WriteRefusedWindow = window.Elapsed };
        }

        await promoting.PromoteAsync(next.Node(to), cancellationToken);
        window.Stop();
        SaveShape(shape);
        changes.Add(new NodeChange(to, "promote", ChangeResult.Done, $"applied {position}", window.Elapsed));

        // Replicas that will cascade from the old primary move once it replicates again.
        var movers = observed.Where(o => o != primary && o != target && next.Node(o.Node.Name).Source != o.Node.Source).ToList();
        var later = movers.Where(o => next.Node(o.Node.Name).Source == primary.Node.Name).ToList();
        // The old primary may cascade from one of them: they apply its last position first, or
        // it would look ahead of its new source.
        changes.AddRange(await RepointAsync(promoting, credentials, next, movers.Except(later), position, cancellationToken));
        changes.Add(await RejoinNodeAsync(promoting, credentials, next, primary.Node.Name, cancellationToken));
        changes.AddRange(await RepointAsync(promoting, credentials, next, later, position, cancellationToken));
        changes.AddRange(await FinishAsync(next, observed, changes, cancellationToken));
        return new RoleChangeOutcome(Switchover, changes, clock.Elapsed)
        {
            OldPrimary = primary.Node.Name,
            NewPrimary = to,
            WriteRefusedWindow = window.Elapsed,
            PromotedAt = position,
        };
    }

    /// <summary>Turns a former primary into a replica of its new source and waits until it replicates.</summary>
    private async Task<NodeChange> RejoinNodeAsync(ILocalServer server, Local.EnvironmentCredentials credentials, EnvironmentDefinition shape, string name, CancellationToken cancellationToken)
    {
        var node = shape.Node(name);
        var clock = Stopwatch.StartNew();
        var action = $"rejoin as a replica of {node.Source}";
        try
        {
            var what = await server.RejoinAsync(node, shape.Node(node.Source!), cancellationToken);
            await WaitUntilReplicatingAsync(credentials, node, cancellationToken);
            return new NodeChange(name, action, ChangeResult.Done, what, clock.Elapsed);
        }
        catch (RejoinRefusedException e)
        {
            return new NodeChange(name, action, ChangeResult.Refused, e.Message, clock.Elapsed);
        }
        catch (Exception e) when (e is Local.LocalProviderException or Data.DatabaseException or Processes.ProcessFailedException)
        {
            return new NodeChange(name, action, ChangeResult.Failed, Processes.Redactor.Redact(e.Message), clock.Elapsed);
        }
    }
}
