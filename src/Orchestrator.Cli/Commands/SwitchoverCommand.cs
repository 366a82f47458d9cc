using System.CommandLine;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator switchover -e FILE --to NODE</c>.</summary>
internal static class SwitchoverCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var to = new Option<string>("--to") { Description = "The replica to promote.", Required = true };
        return RoleChangeCommand.Create(
            console,
            "switchover",
            "Planned change of primary without data loss: the target catches up, the primary stops taking writes, the target applies its last " +
            "position and is promoted, then the old primary (pg_rewind if needed / GTID demotion) and its other replicas replicate from it. " +
            "Prints how long writes were refused. Local and docker environments only. Exit 0 done, 1 refused or failed (the old primary takes writes again " +
            "when the target did not catch up), 2 bad input.",
            to,
            (topology, parse, cancellationToken) => topology.SwitchoverAsync(parse.GetValue(to)!, cancellationToken));
    }
}
