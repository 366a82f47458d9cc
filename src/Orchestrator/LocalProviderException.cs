namespace Orchestrator;

/// <summary>A local-provider operation could not be carried out; the message says what to do.</summary>
internal sealed class LocalProviderException(string message, Exception? inner = null) : Exception(message, inner);
