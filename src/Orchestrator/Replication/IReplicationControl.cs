namespace Orchestrator.Replication;

/// <summary>
/// Moving the primary role between local nodes (switchover, failover, rejoin): what replicas
/// have applied (<see cref="IAppliedPositions"/>), the moves themselves (<see cref="IRoleMoves"/>)
/// and fencing (<see cref="INodeFencing"/>).
/// </summary>
internal interface IReplicationControl : IAppliedPositions, IRoleMoves, INodeFencing
{
}
