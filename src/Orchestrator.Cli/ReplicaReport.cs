using Orchestrator.Migrations.Running;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>Prints, node by node, that the replicas replayed the run's last migration.</summary>
internal static class ReplicaReport
{
    public static void Print(IAnsiConsole console, IReadOnlyList<ReplicaReplay> replicas, long version)
    {
        foreach (var replica in replicas)
        {
            console.MarkupLineInterpolated($"  [green]✓[/] {replica.Node,-12} replayed version {version} ({replica.Waited.TotalMilliseconds:0} ms after the primary)");
        }
    }
}
