namespace Orchestrator.Embedding;

/// <summary>Whether one replica replayed a run's last migration (and shows its version row), and how long the run waited for it.</summary>
/// <param name="Node">The replica's name.</param>
/// <param name="Replayed">True when it replayed the migration in time.</param>
/// <param name="Waited">How long the run waited for it.</param>
/// <param name="Error">Why it did not replay, when it did not.</param>
public sealed record ReplicaReplayStatus(string Node, bool Replayed, TimeSpan Waited, string? Error);
