namespace Orchestrator.Topology;

public enum NodeDownAction
{
    Stopped,
    WasNotRunning,
    NeverInitialized,
}
