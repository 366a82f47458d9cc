using System.Globalization;

namespace Orchestrator.Chaos.Faults;

/// <summary>
/// The primary is killed while `migrate` applies the sample migrations. The migrate must fail
/// (or have finished); the operator fails over, rejoins the old primary and runs `migrate` again.
/// </summary>
internal sealed class KillPrimaryDuringMigrate : Fault
{
    public override string Name => "kill-primary-during-migrate";

    public override Task PrepareAsync(ChaosRun run) => PendingMigrations.RollBackAllAsync(run);

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var killedAt = TimeSpan.Zero;
        var hit = await StrikeDuringCommand.RunAsync(
            run,
            latestSeconds: 0.5,
            () => run.Cli.Start("migrate", "-e", run.File),
            async migrate =>
            {
                if (migrate.Completion.IsCompleted)
                {
                    return null;
                }

                var evidence = await run.Faults.KillAsync(run.Primary);
                killedAt = run.Clock.Elapsed;
                return evidence;
            },
            _ => true,
            async ended =>
            {
                run.Expect(ended.ExitCode == 0, $"'{ended.Display}', not interrupted, succeeded (exit {ended.ExitCode})");
                await PendingMigrations.RollBackAllAsync(run);
            });
        if (hit is null)
        {
            run.Expect(false, "the primary was killed while a migrate worked (each attempt ended before its moment)");
            return;
        }

        run.Land(string.Create(CultureInfo.InvariantCulture, $"{hit.Evidence}, {hit.AfterFirstOutput.TotalSeconds:0.000}s after the migrate's first progress line"), hit.Step(run.Environment.Definition.Name));
        run.Transcript.Note($"the interrupted migrate ended with exit {hit.Command.ExitCode}");
        await OperatorRecovery.FailoverAsync(run, killedAt);

        // MariaDB: the crash recovery of a schema change that was running when the server died
        // (its DDL log) can write to the binary log anew, after the failover took the replica
        // without it: the old primary then has a history of its own, and rejoin refuses.
        await OperatorRecovery.RejoinOrRebuildAsync(run, run.Primary);
        await PendingMigrations.MigrateAsync(run);
    }
}
