using Orchestrator.Progress;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>Prints each node's steps as they start and finish; safe to call from parallel node tasks.</summary>
internal sealed class ConsoleProgress(IAnsiConsole console) : ITopologyProgress
{
    private readonly Lock _gate = new();

    public void Report(ProgressEvent progressEvent)
    {
        var node = progressEvent.Node.PadRight(12);
        var seconds = progressEvent.Elapsed is { } elapsed ? $"{elapsed.TotalSeconds,6:0.0}s" : "";
        lock (_gate)
        {
            switch (progressEvent.Kind)
            {
                case ProgressKind.Started:
                    console.MarkupLineInterpolated($"  [grey]…[/] {node} {progressEvent.Message}");
                    break;
                case ProgressKind.Finished:
                    console.MarkupLineInterpolated($"  [green]✓[/] {node} {progressEvent.Message} [grey]{seconds}[/]");
                    break;
                case ProgressKind.Failed:
                    console.MarkupLineInterpolated($"  [red]✗[/] {node} {progressEvent.Message} [grey]{seconds}[/]");
                    break;
                default:
                    console.MarkupLineInterpolated($"  [yellow]![/] {node} {progressEvent.Message}");
                    break;
            }
        }
    }
}
