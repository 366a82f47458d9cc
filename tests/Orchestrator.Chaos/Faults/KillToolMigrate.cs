using System.Globalization;

namespace Orchestrator.Chaos.Faults;

/// <summary>`migrate` killed at a random moment while it applies the sample migrations; the operator runs `migrate` again.</summary>
internal sealed class KillToolMigrate : Fault
{
    public override string Name => "kill-tool-migrate";

    public override Task PrepareAsync(ChaosRun run) => PendingMigrations.RollBackAllAsync(run);

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var killed = await KillAtRandomMoment.RunAsync(
            run,
            latestSeconds: 4.0,
            () => run.Cli.Start("migrate", "-e", run.File),
            async ended =>
            {
                run.Expect(ended.ExitCode == 0, $"'{ended.Display}', not interrupted, succeeded (exit {ended.ExitCode})");
                await PendingMigrations.RollBackAllAsync(run);
            });
        if (killed is not { } kill)
        {
            run.Expect(false, "a migrate was killed while it ran (each attempt ended before its moment)");
            return;
        }

        run.Land(string.Create(CultureInfo.InvariantCulture, $"SIGKILL of 'migrate' {kill.After.TotalSeconds:0.000}s after it started"));
        await PendingMigrations.MigrateAsync(run);
    }
}
