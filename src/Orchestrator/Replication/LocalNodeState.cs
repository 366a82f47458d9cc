namespace Orchestrator.Replication;

internal enum LocalNodeState
{
    /// <summary>No completed setup in the state directory.</summary>
    NotInitialized,

    Stopped,

    /// <summary>Stopped without a clean shutdown: a pid file remains but its process is gone.</summary>
    Crashed,

    Running,
}
