using System.CommandLine;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator replica rebuild -e FILE NODE</c>.</summary>
internal static class ReplicaCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var node = new Argument<string>("NODE") { Description = "The replica to clone again." };
        var rebuild = RoleChangeCommand.Create(
            console,
            "rebuild",
            "Delete a broken or diverged replica's data (a running server included) and clone it again from its source, or from the primary " +
            "when that source is not replicating or the node was fenced. Anything only it had is gone. Local and docker environments only. " +
            "Exit 0 done, 1 failed, 2 bad input (an unknown node, the primary).",
            node,
            (topology, parse, cancellationToken) => topology.RebuildAsync(parse.GetValue(node)!, cancellationToken));
        return new Command("replica", "Work on one replica.") { rebuild };
    }
}
