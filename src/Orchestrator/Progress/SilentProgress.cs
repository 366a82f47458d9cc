namespace Orchestrator.Progress;

internal sealed class SilentProgress : ITopologyProgress
{
    public static SilentProgress Instance { get; } = new();

    public void Report(ProgressEvent progressEvent)
    {
    }
}
