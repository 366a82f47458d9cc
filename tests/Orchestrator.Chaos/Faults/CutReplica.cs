using Orchestrator.Environments;

namespace Orchestrator.Chaos.Faults;

/// <summary>A replica's container leaves the environment's network (docker only); the operator runs `up`, which reattaches it.</summary>
internal sealed class CutReplica : Fault
{
    public override string Name => "cut-replica";

    public override bool AppliesTo(ProviderKind provider) => provider == ProviderKind.Docker;

    public override async Task ExerciseAsync(ChaosRun run)
    {
        var replica = run.PickReplica();
        run.Land(await run.Faults.CutAsync(replica));
        await run.DelayAsync(1.0, 3.0);
        await OperatorRecovery.UpAsync(run);
    }
}
