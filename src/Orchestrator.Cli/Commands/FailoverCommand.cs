using System.CommandLine;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator failover -e FILE [--to NODE]</c>.</summary>
internal static class FailoverCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var to = new Option<string?>("--to") { Description = "The replica to promote (default: the one that has applied the most). Refused when another has applied more." };
        return RoleChangeCommand.Create(
            console,
            "failover",
            "The primary is gone: fence it (killed if it lingers; it can only start read-only until 'rejoin' or 'replica rebuild'), let every replica " +
            "apply what it received, promote the most advanced one, and move the others under it. Refused while a primary is reachable. " +
            "Local and docker environments only. Exit 0 done, 1 refused or failed, 2 bad input.",
            to,
            (topology, parse, cancellationToken) => topology.FailoverAsync(parse.GetValue(to), cancellationToken));
    }
}
