namespace Orchestrator.Chaos.Faults;

/// <summary>Gives a migrate something to do: `rollback --to 0` undoes the sample migrations, so the next `migrate` applies all of them again.</summary>
internal static class PendingMigrations
{
    public static async Task RollBackAllAsync(ChaosRun run)
    {
        var rollback = await run.Cli.RunAsync("rollback", "-e", run.File, "--to", "0");
        run.Expect(rollback.ExitCode == 0, $"'rollback --to 0' left every migration pending (exit {rollback.ExitCode})");
    }

    public static async Task MigrateAsync(ChaosRun run)
    {
        var migrate = await run.Cli.RunAsync("migrate", "-e", run.File);
        run.Expect(migrate.ExitCode == 0, $"'migrate' run again applied what was pending (exit {migrate.ExitCode})");
    }
}
