namespace Orchestrator.Topology;

public sealed record NodeOutcome<TAction>(string Node, TAction Action, TimeSpan Elapsed);
