using System.CommandLine;
using Orchestrator.Topology;
using Spectre.Console;
using Orchestrator.Composition;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator down -e FILE [--purge]</c>: stops a local environment, optionally deleting its data.</summary>
internal static class DownCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var shards = CommonOptions.Shards();
        var parallel = CommonOptions.Parallel();
        var purge = new Option<bool>("--purge")
        {
            Description = "Also delete the environment's data directories, logs and generated passwords (the whole state directory).",
        };
        var command = new Command("down", "Stop every node of a local or docker environment cleanly (a docker environment's containers too). Data is kept unless --purge is given (which also removes its containers, volumes and network).")
        {
            environment,
            stateDir,
            shards,
            parallel,
            purge,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var exitCode = await ShardFanOut.RunAsync(parse.GetValue(environment)!, parse.GetValue(shards) ?? [], parse.GetValue(parallel), false, live: true, console, cancellationToken, async (env, console) =>
            {
                var topology = new LocalTopology(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, new ConsoleProgress(console)));
                var outcome = await topology.DownAsync(parse.GetValue(purge), cancellationToken);
                var stopped = outcome.Nodes.Count(n => n.Action == NodeDownAction.Stopped);
                var message = stopped == 0 ? $"Environment '{env.Name}': no node was running." : $"Environment '{env.Name}' is down ({stopped} node{(stopped == 1 ? "" : "s")} stopped).";
                console.MarkupLineInterpolated($"[green]{message}[/]");
                if (outcome.Purged)
                {
                    console.MarkupLineInterpolated($"Deleted {outcome.StateDirectory}.");
                }

                return ExitCodes.Ok;
            });

            // Purged shards leave the --state-dir that held their folders; with nothing else in it, it goes too.
            if (exitCode == ExitCodes.Ok && parse.GetValue(purge) && parse.GetValue(stateDir) is { } given)
            {
                given.Refresh();
                if (given.Exists && !given.EnumerateFileSystemInfos().Any())
                {
                    given.Delete();
                    console.MarkupLineInterpolated($"Deleted {given.FullName}.");
                }
            }

            return exitCode;
        });
        return command;
    }
}
