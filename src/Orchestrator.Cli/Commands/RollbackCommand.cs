using System.CommandLine;
using Spectre.Console;
using Orchestrator.Environments;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator rollback -e FILE --to V</c>: runs Down of every applied migration newer than V, newest first.</summary>
internal static class RollbackCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var fleetOptions = new FleetOptions(rollout: true);
        var to = CommonOptions.To("Roll back every applied migration newer than this version (0: all of them).", required: true);
        var command = new Command(
            "rollback",
            "Undo applied migrations newer than --to on the primary, newest first, with their Down(). Refuses, changing nothing, when one of them cannot be undone. " +
            "In a sharded environment, on every shard (or each --shard), --parallel at a time.")
        {
            to,
        };
        fleetOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await FleetCommand.RunAsync(
            parse,
            fleetOptions,
            console,
            cancellationToken,
            single: environment => Single(parse, environment, cancellationToken),
            fleet: (migrations, selected, bound) => FleetCommand.RolloutAsync(
                parse, fleetOptions, bound, console, "rolled back", (rollout, finished) => migrations.RollbackAsync(selected, parse.GetValue(to)!.Value, rollout, finished, cancellationToken))));

        Task<int> Single(ParseResult parse, EnvironmentDefinition environment, CancellationToken cancellationToken) =>
            EnvironmentArgument.RunWithMigrationsAsync(environment, parse.GetValue(fleetOptions.StateDir), console, cancellationToken, async (env, target) =>
            {
                var version = parse.GetValue(to)!.Value;
                var outcome = await target.Runner.RollbackAsync(target.Project, version, cancellationToken);
                if (outcome.Ran.Count == 0)
                {
                    console.MarkupLineInterpolated($"[green]Nothing to roll back: no applied migration is newer than {version}.[/]");
                }
                else
                {
                    console.MarkupLineInterpolated($"[green]Rolled back {Counted.Of(outcome.Ran.Count, "migration")}[/] on {target.Node.Name}; database '{env.Database}' is at version {version}.");
                    ReplicaReport.Print(console, outcome.Replicas, version);
                }

                return ExitCodes.Ok;
            });
        return command;
    }
}
