namespace Orchestrator.State;

/// <summary>A TLS command was given an environment it does not apply to (bad input); the message says why.</summary>
internal sealed class TlsRequestException(string message) : Exception(message);
