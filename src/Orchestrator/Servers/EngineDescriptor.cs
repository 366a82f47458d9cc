using Orchestrator.Environments;

namespace Orchestrator.Servers;

/// <summary>
/// What the tool knows about an engine without talking to it: which engine it is, the name people
/// know it by, and, for an engine of servers, how they run. Shared code asks these, never the kind.
/// </summary>
/// <param name="Server">How its servers run; null for an engine of database files (SQLite).</param>
internal sealed record EngineDescriptor(EngineKind Kind, string DisplayName, ServerProgram? Server);

/// <summary>How an engine's servers run: the Debian system user that runs them when the tool runs as root, and in a container of the engine's image, the port it listens on and its program (the standard layout, checked when a container is made).</summary>
internal sealed record ServerProgram(string OsUser, int ContainerPort, string ContainerProgram);
