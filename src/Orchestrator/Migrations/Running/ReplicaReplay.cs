namespace Orchestrator.Migrations.Running;

/// <summary>Whether one replica replayed a migration's commit (and shows its version row), and how long that took.</summary>
internal sealed record ReplicaReplay(string Node, bool Replayed, TimeSpan Waited, string? Error);
