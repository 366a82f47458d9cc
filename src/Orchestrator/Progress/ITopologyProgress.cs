namespace Orchestrator.Progress;

/// <summary>Receives progress of long operations; called from several nodes' tasks at once.</summary>
internal interface ITopologyProgress
{
    void Report(ProgressEvent progressEvent);
}
