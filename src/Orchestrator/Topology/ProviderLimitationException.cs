namespace Orchestrator.Topology;

/// <summary>An operation the environment's provider does not offer; nothing was changed.</summary>
public sealed class ProviderLimitationException(string message) : Exception(message);
