namespace Orchestrator.Topology;

internal enum NodeDownAction
{
    Stopped,
    WasNotRunning,
    NeverInitialized,
}
