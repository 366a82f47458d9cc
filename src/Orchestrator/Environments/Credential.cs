namespace Orchestrator.Environments;

/// <summary>A database account. A null password on a local environment means "generate one".</summary>
public sealed record Credential(string User, Secret? Password);
