namespace Orchestrator.Hosts;

/// <summary>What a node's host says about a node that does not answer; <see cref="Node"/> is null when the note is about the host engine as a whole.</summary>
internal sealed record HostNote(string? Node, HostCondition Condition, string Text);
