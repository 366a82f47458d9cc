namespace Orchestrator.Migrations.Running;

/// <summary>
/// A migration committed on the primary was not replayed by every replica in time. The
/// primary's work is kept; <see cref="Replicas"/> says, node by node, what happened.
/// </summary>
internal sealed class ReplicationLagException(string message, IReadOnlyList<ReplicaReplay> replicas) : Exception(message)
{
    public IReadOnlyList<ReplicaReplay> Replicas { get; } = replicas;
}
