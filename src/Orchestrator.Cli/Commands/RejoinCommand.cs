using System.CommandLine;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator rejoin -e FILE NODE</c>.</summary>
internal static class RejoinCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var node = new Argument<string>("NODE") { Description = "The former primary (or any node) to bring back as a replica of the current primary." };
        return RoleChangeCommand.Create(
            console,
            "rejoin",
            "Bring a former primary back as a replica of the node the servers report as primary, keeping its data: pg_rewind on PostgreSQL, " +
            "GTID demotion on MariaDB. Refused, with nothing changed, when it holds transactions the primary never received and cannot be " +
            "rewound; 'replica rebuild' then clones it afresh. Local and docker environments only. Exit 0 done, 1 refused or failed, 2 bad input.",
            node,
            (topology, parse, cancellationToken) => topology.RejoinAsync(parse.GetValue(node)!, cancellationToken));
    }
}
