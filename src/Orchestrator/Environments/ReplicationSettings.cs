namespace Orchestrator.Environments;

/// <summary>Replication knobs shared by every node of an environment.</summary>
internal sealed record ReplicationSettings(string MaxSlotWalKeepSize, TimeSpan ReplayTimeout, ReplayWait Wait = ReplayWait.PerMigration)
{
    public static ReplicationSettings Default { get; } = new("1GB", TimeSpan.FromSeconds(60));

    /// <summary>The shortest replay_timeout: a replica needs a moment to connect and stream.</summary>
    public static TimeSpan MinReplayTimeout { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest replay_timeout: a replica a day behind needs a person, not a longer wait (and timers stay far from their limits).</summary>
    public static TimeSpan MaxReplayTimeout { get; } = TimeSpan.FromHours(24);
}
