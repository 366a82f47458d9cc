using Orchestrator.Environments;

namespace Orchestrator.State;

/// <summary>One node in a <see cref="LiveShape"/>: its role, whom it replicates from, and whether a failover fenced it.</summary>
internal sealed record LiveNode(NodeRole Role, string? Source, bool Fenced);
