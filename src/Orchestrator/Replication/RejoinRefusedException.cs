namespace Orchestrator.Replication;

/// <summary>A node cannot rejoin as a replica without losing or mixing data; the message says what to do instead.</summary>
internal sealed class RejoinRefusedException(RejoinRefusalReason reason, string message) : Exception(message)
{
    public RejoinRefusalReason Reason { get; } = reason;
}
