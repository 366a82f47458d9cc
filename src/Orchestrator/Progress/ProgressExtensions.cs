using System.Diagnostics;

namespace Orchestrator.Progress;

internal static class ProgressExtensions
{
    /// <summary>Runs one named step of a node's work, reporting its start, end and duration.</summary>
    public static async Task StepAsync(this ITopologyProgress progress, string node, string message, Func<Task> step)
    {
        progress.Report(new ProgressEvent(node, message, ProgressKind.Started));
        var clock = Stopwatch.StartNew();
        try
        {
            await step();
        }
        catch
        {
            progress.Report(new ProgressEvent(node, message, ProgressKind.Failed, clock.Elapsed));
            throw;
        }

        progress.Report(new ProgressEvent(node, message, ProgressKind.Finished, clock.Elapsed));
    }
}
