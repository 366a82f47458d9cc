namespace Orchestrator.Migrations.Running;

/// <summary>Whether one replica replayed a migration's commit (and shows its version row), and how long that took; <see cref="Failure"/> says why not.</summary>
internal sealed record ReplicaReplay(string Node, TimeSpan Waited, ReplayFailure? Failure)
{
    public bool Replayed => Failure is null;
}
