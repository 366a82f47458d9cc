namespace Orchestrator.Environments;

public enum ProviderKind
{
    /// <summary>Servers are initialised, started and stopped by the tool on this machine.</summary>
    Local,

    /// <summary>Servers exist already; the tool only connects to them.</summary>
    External,
}
