using System.CommandLine;
using Orchestrator.Topology;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator replica rebuild -e FILE NODE</c>.</summary>
internal static class ReplicaCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var json = CommonOptions.Json();
        var node = new Argument<string>("NODE") { Description = "The replica to clone again." };
        var rebuild = new Command(
            "rebuild",
            "Delete a broken or diverged replica's data (a running server included) and clone it again from its source, or from the primary " +
            "when that source is not replicating or the node was fenced. Anything only it had is gone. Local environments only. " +
            "Exit 0 done, 1 failed, 2 bad input (an unknown node, the primary).")
        {
            environment,
            stateDir,
            node,
            json,
        };
        rebuild.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunAsync(parse.GetValue(environment)!, console, async env =>
            {
                var topology = new LocalTopology(env, parse.GetValue(stateDir)?.FullName, parse.GetValue(json) ? SilentProgress.Instance : new ConsoleProgress(console));
                return RoleChangeReport.Print(console, await topology.RebuildAsync(parse.GetValue(node)!, cancellationToken), parse.GetValue(json));
            }));
        return new Command("replica", "Work on one replica.") { rebuild };
    }
}
