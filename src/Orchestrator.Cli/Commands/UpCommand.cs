using System.CommandLine;
using Orchestrator.Topology;
using Spectre.Console;
using Orchestrator.Composition;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator up -e FILE</c>: initialises and starts every node of a local environment.</summary>
internal static class UpCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var shards = CommonOptions.Shards();
        var parallel = CommonOptions.Parallel();
        var command = new Command(
            "up",
            "Initialise (first time) and start every node of a local or docker environment: the primary first, then its replicas, cloned from their sources and " +
            "replicating. Nodes already running are left alone, except that a server started without TLS is restarted once to present its certificate, and a certificate " +
            "within 30 days of its end is renewed with a reload; nodes that crashed are restarted. Servers keep running after the command exits.")
        {
            environment,
            stateDir,
            shards,
            parallel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await ShardFanOut.RunAsync(parse.GetValue(environment)!, parse.GetValue(shards) ?? [], parse.GetValue(parallel), false, live: true, console, cancellationToken, async (env, console) =>
            {
                var topology = new LocalTopology(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, new ConsoleProgress(console)));
                console.MarkupLineInterpolated($"Bringing up [bold]{env.Name}[/] ({EngineNames.Display(env.Engine)}, {Counted.Of(env.Nodes.Count, "node")}) in {topology.State.Root}");
                var outcome = await topology.UpAsync(cancellationToken);
                if (outcome.ChangedNothing)
                {
                    console.MarkupLineInterpolated($"[green]Environment '{env.Name}' is already up: {(outcome.Nodes.Count == 1 ? "its node is" : $"all {outcome.Nodes.Count} nodes are")} running; nothing changed.[/]");
                    return ExitCodes.Ok;
                }

                var summary = string.Join(", ", outcome.Nodes.GroupBy(n => n.Action).Select(g => $"{Describe(g.Key)} {g.Count()}"));
                console.MarkupLineInterpolated($"[green]Environment '{env.Name}' is up[/] in {outcome.Elapsed.TotalSeconds:0.0}s ({summary}).");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static string Describe(NodeUpAction action) => action switch
    {
        NodeUpAction.AlreadyRunning => "already running",
        NodeUpAction.Started => "started",
        NodeUpAction.Recovered => "recovered after an unclean stop",
        NodeUpAction.Initialized => "initialised",
        NodeUpAction.Bootstrapped => "cloned",
        NodeUpAction.TlsTurnedOn => "restarted with TLS",
        NodeUpAction.CertificateRenewed => "certificate renewed",
        NodeUpAction.Fenced => "fenced by a failover: not started (rejoin or rebuild it)",
        _ => action.ToString(),
    };
}
