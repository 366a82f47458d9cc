using Orchestrator.Environments;

namespace Orchestrator.Topology;

/// <summary>One row of <c>status</c>: the file's intent beside what the server reported.</summary>
public sealed record NodeStatus(
    string Name,
    NodeRole ExpectedRole,
    string Endpoint,
    bool Reachable,
    string? Error,
    ObservedRole? Role,
    string? ServerVersion,
    string? ReplicatingFrom,
    string? ReplicationState,
    string? Position,
    long? LagBytes,
    long? LagTransactions,
    double? LagSeconds);
