namespace Orchestrator.Processes;

/// <summary>A program exited with an error; the message carries the tail of what it printed (secrets redacted).</summary>
internal sealed class ProcessFailedException(string message) : Exception(message);
