using System.CommandLine;
using Orchestrator.Progress;
using Orchestrator.Topology;
using Spectre.Console;
using Orchestrator.Composition;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Cli.Commands;

/// <summary>What switchover, failover, rejoin and replica rebuild share: -e, --state-dir, --json, and printing the outcome.</summary>
internal static class RoleChangeCommand
{
    /// <param name="specific">The command's own option or argument.</param>
    /// <param name="run">The operation, given a topology reading the live shape and the parsed command line.</param>
    public static Command Create(
        IAnsiConsole console, string name, string description, Symbol specific, Func<LocalTopology, ParseResult, CancellationToken, Task<RoleChangeOutcome>> run)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var stateDir = CommonOptions.StateDir();
        var json = CommonOptions.Json();
        var command = new Command(name, description) { environment, shard, stateDir, json };
        switch (specific)
        {
            case Option option:
                command.Options.Add(option);
                break;
            case Argument argument:
                command.Arguments.Add(argument);
                break;
        }

        command.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunAsync(parse.GetValue(environment)!, console, async env =>
            {
                var quiet = parse.GetValue(json);
                var topology = new LocalTopology(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, quiet ? SilentProgress.Instance : new ConsoleProgress(console)));
                var outcome = await run(topology, parse, cancellationToken);
                return RoleChangeReport.Print(console, outcome, quiet, shapeMatchesFile: !File.Exists(topology.State.TopologyFile));
            },
            parse.GetValue(shard)));
        return command;
    }
}
