namespace Orchestrator.Topology.RoleChanges;

/// <summary>A node cannot rejoin as a replica without losing or mixing data; the message says what to do instead.</summary>
internal sealed class RejoinRefusedException(string message) : Exception(message);
