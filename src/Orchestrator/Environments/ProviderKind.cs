namespace Orchestrator.Environments;

public enum ProviderKind
{
    /// <summary>Servers are initialised, started and stopped by the tool on this machine.</summary>
    Local,

    /// <summary>Servers exist already; the tool only connects to them.</summary>
    External,

    /// <summary>The database is a file the tool opens itself (SQLite): no servers, no replicas.</summary>
    File,
}
