using System.CommandLine;
using Orchestrator.Environments;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator validate -e FILE</c>: reports every problem of an environment file at once.</summary>
internal static class ValidateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var command = new Command("validate", "Check an environment file and report every problem at once, with file:line:column. Exit 2 when it is invalid.")
        {
            environment,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(environment)!;
            var env = EnvironmentArgument.Load(file, console);
            if (env is null)
            {
                return ExitCodes.BadInput;
            }

            var replicas = env.Replicas.Count();
            if (env.IsSharded)
            {
                var nodes = env.Shards.Sum(s => s.Nodes.Count);
                console.MarkupLineInterpolated(
                    $"[green]ok[/] {file.Name}: environment '{env.Name}', {EngineNames.Display(env.Engine)}, provider {env.Provider.ToString().ToLowerInvariant()}, {Counted.Of(env.Shards.Count, "shard")} ({Counted.Of(nodes, "node")}):");
                foreach (var shard in env.Shards)
                {
                    var ports = string.Join(", ", shard.Nodes.Select(n => $"{n.Name} {n.Host}:{n.Port}"));
                    console.MarkupLineInterpolated($"  {shard.Name,-12} database '{shard.Database}': {ports}");
                }
            }
            else if (env.DatabaseFile is { } database)
            {
                console.MarkupLineInterpolated($"[green]ok[/] {file.Name}: environment '{env.Name}', {EngineNames.Display(env.Engine)} database file {database.Path}.");
            }
            else
            {
                console.MarkupLineInterpolated(
                    $"[green]ok[/] {file.Name}: environment '{env.Name}', {EngineNames.Display(env.Engine)}, provider {env.Provider.ToString().ToLowerInvariant()}, 1 primary and {Counted.Of(replicas, "replica")}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
