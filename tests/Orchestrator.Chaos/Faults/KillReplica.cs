namespace Orchestrator.Chaos.Faults;

/// <summary>SIGKILL of one replica's server (the synchronous one or the other); the operator runs `up`, which restarts it.</summary>
internal sealed class KillReplica : Fault
{
    public override string Name => "kill-replica";

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var replica = run.PickReplica();
        run.Land(await run.Faults.KillAsync(replica));
        await run.DelayAsync(0.5, 2.0);
        await OperatorRecovery.UpAsync(run);
    }
}
