using System.Globalization;

namespace Orchestrator.Chaos.Faults;

/// <summary>
/// The primary is killed and the `failover` that follows is killed at a random moment. The
/// operator recovers as after any killed command (`up`, `status`, failover when no node is
/// primary, rejoin or rebuild the rest).
/// </summary>
internal sealed class KillToolFailover : Fault
{
    public override string Name => "kill-tool-failover";

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var primary = run.Primary;
        var evidence = await run.Faults.KillAsync(primary);
        var primaryKilledAt = run.Clock.Elapsed;
        var hit = await StrikeDuringCommand.RunAsync(
            run,
            latestSeconds: 1.5,
            () => run.Cli.Start("failover", "-e", run.File),
            StrikeDuringCommand.KillCommand,
            ended => ended.Killed,
            async ended =>
            {
                // The failover completed: recover fully, then take the new primary down for the next attempt.
                run.Expect(ended.ExitCode == 0, $"'{ended.Display}', not interrupted, succeeded (exit {ended.ExitCode})");
                await run.RoleChangeAsync("rejoin", primary);
                var status = await new EnvironmentHealth(run.Environment).StatusAsync(run.Cli);
                primary = status?.Primaries is [var p] ? p : primary;
                evidence = await run.Faults.KillAsync(primary);
                primaryKilledAt = run.Clock.Elapsed;
            });
        if (hit is null)
        {
            run.Expect(false, "a failover was killed while it worked (each attempt ended before its moment)");
            return;
        }

        run.Land(string.Create(CultureInfo.InvariantCulture, $"{evidence}; then {hit.Evidence} {hit.AfterFirstOutput.TotalSeconds:0.000}s after its first progress line"), hit.Step(run.Environment.Definition.Name));
        await OperatorRecovery.HealAsync(run, primaryKilledAt);
        var status = await new EnvironmentHealth(run.Environment).StatusAsync(run.Cli);
        if (status?.Primaries is [var now] && now != primary && !run.Timings.Any(t => t.Failover))
        {
            // The killed failover promoted it before it died.
            run.Time(failover: true, primaryKilledAt, now);
        }
    }
}
