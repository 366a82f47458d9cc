using Orchestrator.Progress;

namespace Orchestrator.Cli;

/// <summary>
/// A shard's progress among many: its warnings and failures, named by shard. Each step's start and
/// end is left out; the rollout prints a line as each shard starts and finishes instead.
/// </summary>
internal sealed class ShardProgress(ITopologyProgress inner, string shard) : ITopologyProgress
{
    public void Report(ProgressEvent progressEvent)
    {
        if (progressEvent.Kind is ProgressKind.Failed or ProgressKind.Info)
        {
            inner.Report(progressEvent with { Node = $"{shard}/{progressEvent.Node}" });
        }
    }
}
