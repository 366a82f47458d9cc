namespace Orchestrator.Environments;

/// <summary>Replication knobs shared by every node of an environment.</summary>
public sealed record ReplicationSettings(string MaxSlotWalKeepSize, TimeSpan ReplayTimeout, ReplayWait Wait = ReplayWait.PerMigration)
{
    public static ReplicationSettings Default { get; } = new("1GB", TimeSpan.FromSeconds(60));
}
