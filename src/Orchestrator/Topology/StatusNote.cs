namespace Orchestrator.Topology;

/// <summary>A finding of status beyond the rows, for the reader to act on: what it is about, the nodes it names, and what to do (<see cref="Text"/>).</summary>
internal sealed record StatusNote(StatusNoteKind Kind, IReadOnlyList<string> Nodes, string Text);
