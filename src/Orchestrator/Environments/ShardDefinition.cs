namespace Orchestrator.Environments;

/// <summary>One shard of a sharded environment: a primary and its replicas holding part of the rows, optionally in a database of its own name.</summary>
internal sealed record ShardDefinition(string Name, string Database, IReadOnlyList<NodeDefinition> Nodes, SourceLocation Location);
