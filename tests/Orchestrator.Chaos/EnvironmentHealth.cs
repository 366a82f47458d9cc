namespace Orchestrator.Chaos;

/// <summary>Reads the environment's health the way an operator does, with `status --json`.</summary>
internal sealed class EnvironmentHealth(ChaosEnvironment environment)
{
    public async Task<StatusJson?> StatusAsync(ChaosCli cli) => StatusJson.Parse(await cli.RunAsync("status", "-e", environment.File, "--json"));

    /// <summary>Polls status until the topology is healthy or <paramref name="timeout"/> passed; the last status and what was wrong with it (null when healthy).</summary>
    public async Task<(StatusJson? Status, string? Problem)> WaitHealthyAsync(ChaosCli cli, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await StatusAsync(cli);
            var problem = status is null ? "status printed no JSON" : status.Unhealthy();
            if (problem is null || DateTime.UtcNow >= deadline)
            {
                return (status, problem);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Null when the previous run left the environment fit for the next one: healthy, with the
    /// file's primary as the primary (a switchover back if needed, so every run starts from the
    /// same shape and a seed replays the same run). Otherwise why not.
    /// </summary>
    public async Task<string?> ReusableAsync(ChaosCli cli)
    {
        var status = await StatusAsync(cli);
        if ((status is null ? "status printed no JSON" : status.Unhealthy()) is { } problem)
        {
            return problem;
        }

        // A run that failed may leave migrations undone; the next run's checks expect them all.
        if (status!.Nodes.FirstOrDefault(n => n.PendingMigrations is > 0) is { } behind)
        {
            return $"'{behind.Name}' has {behind.PendingMigrations} migrations pending";
        }

        var primary = environment.Definition.Primary.Name;
        if (status.Primaries[0] == primary)
        {
            return null;
        }

        var back = await cli.RunAsync("switchover", "-e", environment.File, "--to", primary, "--json");
        if (back.ExitCode != 0)
        {
            return $"the switchover back to '{primary}' failed (exit {back.ExitCode})";
        }

        var (after, afterProblem) = await WaitHealthyAsync(cli, TimeSpan.FromSeconds(30));
        return afterProblem ?? (after!.Primaries[0] == primary ? null : $"'{after.Primaries[0]}' is still the primary");
    }
}
