namespace Orchestrator.Progress;

internal enum ProgressKind
{
    Started,
    Finished,
    Failed,
    Info,
}

/// <summary>One step of a node's work: started, finished (with its duration), failed, or a note.</summary>
internal sealed record ProgressEvent(string Node, string Message, ProgressKind Kind, TimeSpan? Elapsed = null);
