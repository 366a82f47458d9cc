namespace Orchestrator.Chaos.Faults;

/// <summary>
/// A second switchover, to the other replica, starts while the first runs. The state
/// directory's lock makes the second wait and then read the live shape afresh: the first must
/// succeed; the second must succeed or be refused with nothing changed; the primary in the end
/// is the target of the last one that succeeded.
/// </summary>
internal sealed class DoubleSwitchover : Fault
{
    public override string Name => "double-switchover";

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var first = run.PickReplica();
        var second = run.Replicas.Single(r => r != first);
        var one = run.Cli.Start("switchover", "-e", run.File, "--to", first, "--json");
        await run.DelayAsync(0.0, 0.8);
        var two = run.Cli.Start("switchover", "-e", run.File, "--to", second, "--json");
        var stillRunning = !one.Completion.IsCompleted;
        run.Land($"'switchover --to {second}' started while 'switchover --to {first}' {(stillRunning ? "still ran" : "had already ended")}");
        run.Expect(stillRunning, "the second switchover started while the first one ran");
        var results = await Task.WhenAll(one.Completion, two.Completion);
        var ordered = results.Zip([first, second], (result, target) => (Result: result, Target: target, Outcome: RoleChangeJson.Parse(result)))
            .OrderBy(r => r.Result.EndedAt).ToList();
        var (earlier, later) = (ordered[0], ordered[1]);
        run.Expect(earlier.Result.ExitCode == 0 && earlier.Outcome is { Succeeded: true }, $"the switchover that ended first ('{earlier.Result.Display}') succeeded ({earlier.Outcome?.ToString() ?? $"exit {earlier.Result.ExitCode}"})");
        var laterRefused = later.Outcome is { Succeeded: false, RefusalReason: not null };
        run.Expect(later.Outcome is { Succeeded: true } ? later.Result.ExitCode == 0 : laterRefused, $"the switchover that ended last ('{later.Result.Display}') succeeded or was refused with nothing changed ({later.Outcome?.ToString() ?? $"exit {later.Result.ExitCode}"})");
        if (earlier.Outcome is { Succeeded: true })
        {
            run.Time(failover: false, earlier.Result.StartedAt, earlier.Target);
        }

        var expected = later.Outcome is { Succeeded: true } ? later.Target : earlier.Target;
        var status = await new EnvironmentHealth(run.Environment).WaitHealthyAsync(run.Cli, TimeSpan.FromSeconds(30));
        run.Expect(status.Status?.Primaries is [var primary] && primary == expected, $"'{expected}', the target of the last successful switchover, is the primary ({string.Join(", ", status.Status?.Primaries ?? [])})");
    }
}
