using System.Globalization;

namespace Orchestrator.Chaos.Faults;

/// <summary>`migrate` killed at a random moment while it applies the sample migrations; the operator runs `migrate` again.</summary>
internal sealed class KillToolMigrate : Fault
{
    public override string Name => "kill-tool-migrate";

    public override Task PrepareAsync(ChaosRun run) => PendingMigrations.RollBackAllAsync(run);

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var hit = await StrikeDuringCommand.RunAsync(
            run,
            latestSeconds: 0.5,
            () => run.Cli.Start("migrate", "-e", run.File),
            StrikeDuringCommand.KillCommand,
            ended => ended.Killed,
            async ended =>
            {
                run.Expect(ended.ExitCode == 0, $"'{ended.Display}', not interrupted, succeeded (exit {ended.ExitCode})");
                await PendingMigrations.RollBackAllAsync(run);
            });
        if (hit is null)
        {
            run.Expect(false, "a migrate was killed while it worked (each attempt ended before its moment)");
            return;
        }

        run.Land(string.Create(CultureInfo.InvariantCulture, $"{hit.Evidence} {hit.AfterFirstOutput.TotalSeconds:0.000}s after its first progress line"), hit.Step(run.Environment.Definition.Name));
        await PendingMigrations.MigrateAsync(run);
    }
}
