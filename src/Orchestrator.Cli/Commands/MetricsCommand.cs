using System.CommandLine;
using System.Net;
using Orchestrator.Environments;
using Orchestrator.Monitoring;
using Prometheus;
using Spectre.Console;
using Orchestrator.Composition;
using Orchestrator.Progress;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator metrics -e FILE --listen 127.0.0.1:9187</c>: a Prometheus exporter for the whole topology.</summary>
internal static class MetricsCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var stateDir = CommonOptions.StateDir();
        var listen = new Option<string>("--listen") { Description = "Address and port to serve /metrics on, for example 127.0.0.1:9187.", DefaultValueFactory = _ => "127.0.0.1:9187" };
        var tableInterval = new Option<string>("--table-interval")
        {
            Description = $"How often table, index and slot statistics are read, in the background ({DurationText.Examples}); everything else is read at each scrape.",
            DefaultValueFactory = _ => "30s",
        };
        var command = new Command(
            "metrics",
            "Serve Prometheus metrics for every node of the environment on /metrics until Ctrl+C: up and role, replication lag and position, WAL kept by slots, " +
            "schema version, pending migrations and time since the last migration, table and index sizes, estimated rows and dead tuples. " +
            "Each scrape reads the nodes afresh, in parallel and within a time limit; an unreachable node is orchestrator_node_up 0. " +
            "Table, index and slot statistics are read in the background every --table-interval.")
        {
            environment, shard, stateDir, listen, tableInterval,
        };
        command.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunAsync(parse.GetValue(environment)!, console, async env =>
            {
                if (ListenAddress.Problem(parse.GetValue(listen)!, ListenAddress.MachineAddresses(), ListenAddress.Resolve, out var address) is { } wrong)
                {
                    console.Error(wrong);
                    return ExitCodes.BadInput;
                }

                // A timer takes at most about 24 days; a day between statistics reads is already rare.
                if (DurationText.Problem(parse.GetValue(tableInterval)!, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24), out var every) is { } problem)
                {
                    console.Error($"--table-interval '{parse.GetValue(tableInterval)}' {problem}");
                    return ExitCodes.BadInput;
                }

                await using var metrics = new TopologyMetrics(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance), every);
                using var server = new MetricServer(address!.ListenerHost, address.Port, "metrics/", metrics.Registry);
                try
                {
                    server.Start();
                }
                catch (HttpListenerException e)
                {
                    console.Error($"cannot listen on {address.Host}:{address.Port}: {e.Message.TrimEnd('.')}. Choose another --listen address or port.");
                    return ExitCodes.BadInput;
                }

                console.MarkupLineInterpolated($"Serving metrics of [bold]{env.Name}[/] ({Counted.Of(env.Nodes.Count, "node")}) on http://{address.Host}:{address.Port}/metrics; Ctrl+C stops.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C: the way an exporter stops.
                }

                await server.StopAsync();
                return ExitCodes.Ok;
            },
            parse.GetValue(shard)));
        return command;
    }
}
