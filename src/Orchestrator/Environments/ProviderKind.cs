namespace Orchestrator.Environments;

internal enum ProviderKind
{
    /// <summary>Servers are initialised, started and stopped by the tool on this machine.</summary>
    Local,

    /// <summary>Servers exist already; the tool only connects to them.</summary>
    External,

    /// <summary>
    /// Servers run by the tool in Docker containers, one per node, on a network of the
    /// environment's own; their ports are published on this machine.
    /// </summary>
    Docker,
}

internal static class ProviderKindExtensions
{
    /// <summary>
    /// A provider that starts servers (local, docker), for the loader before a definition exists.
    /// Whether the tool runs an environment's servers also depends on its engine (a SQLite file is
    /// local but has none): ask <see cref="EnvironmentDefinition.RunsServers"/>.
    /// </summary>
    public static bool StartsServers(this ProviderKind provider) => provider is ProviderKind.Local or ProviderKind.Docker;

    /// <summary>Servers someone else runs: the tool only connects to them, and asks before overwriting their data.</summary>
    public static bool IsExternal(this ProviderKind provider) => provider == ProviderKind.External;
}
