namespace Orchestrator.Chaos.Faults;

/// <summary>SIGKILL of the primary's whole server; the operator fails over and rejoins the old primary.</summary>
internal sealed class KillPrimary : Fault
{
    public override string Name => "kill-primary";

    public override async Task ExerciseAsync(ChaosRun run)
    {
        run.Land(await run.Faults.KillAsync(run.Primary));
        await OperatorRecovery.FailoverAsync(run, run.Landed!.At);
        await run.RoleChangeAsync("rejoin", run.Primary);
    }
}
