using System.Globalization;

namespace Orchestrator.Chaos.Faults;

/// <summary>
/// The primary is killed while `migrate` applies the sample migrations. The migrate must fail
/// (or have finished); the operator fails over, rejoins the old primary and runs `migrate` again.
/// </summary>
internal sealed class KillPrimaryDuringMigrate : Fault
{
    private const int Attempts = 3;

    public override string Name => "kill-primary-during-migrate";

    public override Task PrepareAsync(ChaosRun run) => PendingMigrations.RollBackAllAsync(run);

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var latest = 4.0;
        for (var attempt = 1; attempt <= Attempts && run.Landed is null; attempt++)
        {
            var moment = run.RandomBetween(0.3, latest);
            var migrate = run.Cli.Start("migrate", "-e", run.File);
            if (await Task.WhenAny(migrate.Completion, Task.Delay(moment)) != migrate.Completion)
            {
                var evidence = await run.Faults.KillAsync(run.Primary);
                run.Land(string.Create(CultureInfo.InvariantCulture, $"{evidence}, {moment.TotalSeconds:0.000}s into 'migrate'"));
                var interrupted = await migrate.Completion;
                run.Transcript.Note($"the interrupted migrate ended with exit {interrupted.ExitCode}");
                break;
            }

            var ended = await migrate.Completion;
            run.Expect(ended.ExitCode == 0, $"'migrate', not interrupted, succeeded (exit {ended.ExitCode}); trying again with an earlier moment");
            latest = Math.Max(0.35, Math.Min(latest, ended.Duration.TotalSeconds * 0.8));
            await PendingMigrations.RollBackAllAsync(run);
        }

        if (run.Landed is null)
        {
            run.Expect(false, "the primary was killed while a migrate ran (each attempt ended before its moment)");
            return;
        }

        await OperatorRecovery.FailoverAsync(run, run.Landed.At);
        await run.RoleChangeAsync("rejoin", run.Primary);
        await PendingMigrations.MigrateAsync(run);
    }
}
