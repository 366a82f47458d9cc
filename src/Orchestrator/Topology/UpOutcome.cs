namespace Orchestrator.Topology;

/// <summary>The result of <c>up</c>, node by node.</summary>
internal sealed record UpOutcome(IReadOnlyList<NodeOutcome<NodeUpAction>> Nodes, TimeSpan Elapsed)
{
    public bool ChangedNothing => Nodes.All(n => n.Action == NodeUpAction.AlreadyRunning);
}
