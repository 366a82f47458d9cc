namespace Orchestrator.State;

/// <summary>A command needs a password the environment file does not give (bad input: nothing was done).</summary>
internal sealed class MissingPasswordException(string message) : Exception(message);
