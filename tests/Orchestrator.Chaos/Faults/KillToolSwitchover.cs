using System.Globalization;

namespace Orchestrator.Chaos.Faults;

/// <summary>
/// `switchover` killed at a random moment. The operator follows the README: `up`, `status`,
/// failover if no node is primary, rejoin (or rebuild) what does not follow the primary; then
/// runs the switchover again if its target is not the primary yet.
/// </summary>
internal sealed class KillToolSwitchover : Fault
{
    public override string Name => "kill-tool-switchover";

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var target = run.PickReplica();
        var from = run.Primary;
        var hit = await StrikeDuringCommand.RunAsync(
            run,
            latestSeconds: 2.0,
            () => run.Cli.Start("switchover", "-e", run.File, "--to", target),
            StrikeDuringCommand.KillCommand,
            ended => ended.Killed,
            ended =>
            {
                // A switchover that completed is a switchover like any other: it must have succeeded. The next attempt goes back.
                run.Expect(ended.ExitCode == 0, $"'{ended.Display}', not interrupted, succeeded (exit {ended.ExitCode})");
                (from, target) = (target, from);
                return Task.CompletedTask;
            });
        if (hit is null)
        {
            run.Expect(false, "a switchover was killed while it worked (each attempt ended before its moment)");
            return;
        }

        run.Land(string.Create(CultureInfo.InvariantCulture, $"{hit.Evidence} {hit.AfterFirstOutput.TotalSeconds:0.000}s after its first progress line"), hit.Step(run.Environment.Definition.Name));
        await OperatorRecovery.HealAsync(run, run.Landed!.At);
        var status = await new EnvironmentHealth(run.Environment).StatusAsync(run.Cli);
        if (status?.Primaries is [var primary] && primary == target)
        {
            run.Transcript.Note($"the killed switchover had already made '{target}' the primary");
            run.Time(failover: false, hit.Command.StartedAt, target);
            return;
        }

        var (again, outcome) = await run.RoleChangeAsync("switchover", "--to", target);
        if (outcome is { Succeeded: true })
        {
            run.Time(failover: false, again.StartedAt, target);
        }
    }
}
