namespace Orchestrator.Embedding;

/// <summary>
/// One server of an <see cref="EnvironmentSpec"/>: the primary has no <paramref name="Source"/>; a
/// replica names the node it replicates from (the primary, or another replica for a cascade).
/// Who is primary when the migration runs is asked of the servers, as the command line does.
/// </summary>
/// <param name="Name">The node's name: letters, digits and '-'.</param>
/// <param name="Host">Its host name or address.</param>
/// <param name="Port">The port its server listens on.</param>
/// <param name="Source">The node it replicates from; null for the primary.</param>
public sealed record NodeSpec(string Name, string Host, int Port, string? Source = null);
