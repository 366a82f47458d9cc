namespace Orchestrator.Chaos.Faults;

/// <summary>
/// The primary freezes (SIGSTOP of its server, docker pause): it neither answers nor dies. The
/// operator fails over; then the old primary thaws while the sampler watches, and must not take
/// a write (the failover fenced it); then it is rejoined.
/// </summary>
internal sealed class PausePrimary : Fault
{
    public override string Name => "pause-primary";

    public override async Task ExerciseAsync(ChaosRun run)
    {
        run.Land(await run.Faults.PauseAsync(run.Primary));
        await OperatorRecovery.FailoverAsync(run, run.Landed!.At);
        run.Transcript.Note($"thawing the old primary: {await run.Faults.ResumeAsync(run.Primary)}");
        await run.DelayAsync(1.0, 2.0);
        await run.RoleChangeAsync("rejoin", run.Primary);
    }
}
