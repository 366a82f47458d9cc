using Microsoft.Extensions.Logging;
using Orchestrator.Progress;

namespace Orchestrator.Embedding;

/// <summary>The steps of a run as log entries: a step's start at Debug, its end and notes at Information, warnings and failures at Warning.</summary>
internal sealed class LoggerProgress(ILogger logger) : ITopologyProgress
{
    public void Report(ProgressEvent progressEvent)
    {
        var level = progressEvent.Kind switch
        {
            ProgressKind.Started => LogLevel.Debug,
            ProgressKind.Failed => LogLevel.Warning,
            ProgressKind.Info when progressEvent.Message.StartsWith("warning:", StringComparison.Ordinal) => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        if (progressEvent.Elapsed is { } elapsed)
        {
            MigratorLog.StepTook(logger, level, progressEvent.Node, progressEvent.Message, elapsed.TotalSeconds);
        }
        else
        {
            MigratorLog.Step(logger, level, progressEvent.Node, progressEvent.Message);
        }
    }
}
