using Orchestrator.Environments;

namespace Orchestrator.Chaos.Faults;

/// <summary>
/// One kind of fault: how it is injected into a running environment and how an operator
/// recovers from it. Its checks of typed outcomes go into the run; the checks every run shares
/// (nothing lost, no split brain, convergence, schema, drift) follow it.
/// </summary>
internal abstract class Fault
{
    public static IReadOnlyList<Fault> All { get; } =
    [
        new KillPrimary(),
        new PausePrimary(),
        new KillReplica(),
        new CutReplica(),
        new KillToolSwitchover(),
        new KillToolFailover(),
        new KillToolMigrate(),
        new DoubleSwitchover(),
        new KillPrimaryDuringMigrate(),
    ];

    public abstract string Name { get; }

    public virtual bool AppliesTo(ProviderKind provider) => true;

    /// <summary>Whether a campaign on <paramref name="engine"/> draws it when no --fault is given (--fault names it regardless).</summary>
    public virtual bool DrawnByDefault(EngineKind engine) => true;

    /// <summary>Before the writers start: what the fault needs to find (pending migrations, say).</summary>
    public virtual Task PrepareAsync(ChaosRun run) => Task.CompletedTask;

    /// <summary>Injects the fault (calling <see cref="ChaosRun.Land"/> once it took hold) and recovers from it.</summary>
    public abstract Task ExerciseAsync(ChaosRun run);

    public override string ToString() => Name;
}
