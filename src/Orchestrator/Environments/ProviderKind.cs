namespace Orchestrator.Environments;

internal enum ProviderKind
{
    /// <summary>Servers are initialised, started and stopped by the tool on this machine.</summary>
    Local,

    /// <summary>Servers exist already; the tool only connects to them.</summary>
    External,

    /// <summary>The database is a file the tool opens itself (SQLite): no servers, no replicas.</summary>
    File,

    /// <summary>
    /// Servers run by the tool in Docker containers, one per node, on a network of the
    /// environment's own; their ports are published on this machine.
    /// </summary>
    Docker,
}

internal static class ProviderKindExtensions
{
    /// <summary>The tool creates, starts and stops the servers, and keeps their state (generated passwords, live shape) in a state directory.</summary>
    public static bool RunsServers(this ProviderKind provider) => provider is ProviderKind.Local or ProviderKind.Docker;

    /// <summary>Servers someone else runs: the tool only connects to them, and asks before overwriting their data.</summary>
    public static bool IsExternal(this ProviderKind provider) => provider == ProviderKind.External;
}
