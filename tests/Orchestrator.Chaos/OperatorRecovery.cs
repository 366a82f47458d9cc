namespace Orchestrator.Chaos;

/// <summary>
/// What an operator does after a fault, through the command line: the role-change section of
/// the README turned into steps. Each step's typed outcome is checked.
/// </summary>
internal static class OperatorRecovery
{
    /// <summary>`failover`, timed from <paramref name="since"/> (the fault) and from the command's start to the new primary's first acknowledged write; the new primary, if any.</summary>
    public static async Task<string?> FailoverAsync(ChaosRun run, TimeSpan since)
    {
        var (command, outcome) = await run.RoleChangeAsync("failover");
        if (outcome?.NewPrimary is { } promoted)
        {
            run.Time(failover: true, since, promoted, command.StartedAt);
        }

        return outcome?.NewPrimary;
    }

    /// <summary>`up`, which restarts what is down and reattaches what was cut off.</summary>
    public static async Task UpAsync(ChaosRun run)
    {
        var up = await run.Cli.RunAsync("up", "-e", run.File);
        run.Expect(up.ExitCode == 0, $"'up' brought the environment back (exit {up.ExitCode})");
    }

    /// <summary>
    /// After a command was killed half-way, the README's way back: the record of the intended
    /// shape is on disk and the servers say who is primary, so `up` restarts whatever is down,
    /// `status` shows where things stand, `failover` runs when no node is primary, and every node
    /// that does not replicate from the primary is rejoined, or rebuilt when rejoin refuses (a
    /// rejoin that fails instead of refusing fails the run, and the node is rebuilt all the same).
    /// </summary>
    public static async Task HealAsync(ChaosRun run, TimeSpan since)
    {
        var up = await run.Cli.RunAsync("up", "-e", run.File);
        run.Transcript.Note($"up after the killed command: exit {up.ExitCode}");
        var health = new EnvironmentHealth(run.Environment);
        var status = await health.StatusAsync(run.Cli);
        if (status is null)
        {
            run.Expect(false, "status printed its JSON after the killed command");
            return;
        }

        var primary = status.Primaries.Count == 1 ? status.Primaries[0] : null;
        if (status.Primaries.Count == 0)
        {
            primary = await FailoverAsync(run, since);
            status = await health.StatusAsync(run.Cli);
        }

        run.Expect(primary is not null, $"one node is primary after the killed command and the recovery ({(status is null ? "no status" : string.Join(", ", status.Primaries))})");
        if (primary is null || status is null)
        {
            return;
        }

        foreach (var node in status.Nodes.Where(n => n.Name != primary && !(n.Reachable && n.Role == "replica" && n.ReplicatingFrom == primary && n.ReplicationState is "streaming" or "replicating")))
        {
            await RejoinOrRebuildAsync(run, node.Name);
        }
    }

    /// <summary>
    /// `rejoin`, and `replica rebuild` when rejoin refuses with a reason, as the refusal tells the
    /// operator to (a history of its own, a lost slot). A rejoin that fails instead of refusing
    /// fails the run, and the node is rebuilt all the same.
    /// </summary>
    public static async Task RejoinOrRebuildAsync(ChaosRun run, string node)
    {
        var rejoin = await run.Cli.RunAsync("rejoin", node, "-e", run.File, "--json");
        var outcome = RoleChangeJson.Parse(rejoin);
        if (rejoin.ExitCode == 0 && outcome is { Succeeded: true })
        {
            run.Transcript.Note($"'{node}' rejoined: {outcome}");
            return;
        }

        var refused = outcome is { IsRefusal: true };
        run.Expect(refused, $"'rejoin {node}' succeeded or refused with a reason ({outcome?.ToString() ?? $"exit {rejoin.ExitCode}, no outcome printed"})");
        if (!refused)
        {
            run.Transcript.Block($"server log of '{node}' after the failed rejoin", await ServerLogs.TailAsync(run.Environment, node));
        }

        run.Transcript.Note($"rebuilding '{node}' ({outcome})");
        await run.RoleChangeAsync("replica", "rebuild", node);
    }
}
