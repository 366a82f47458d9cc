namespace Orchestrator.Topology;

internal sealed record NodeOutcome<TAction>(string Node, TAction Action, TimeSpan Elapsed);
