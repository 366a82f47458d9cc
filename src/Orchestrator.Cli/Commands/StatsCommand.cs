using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Environments;
using Orchestrator.Monitoring;
using Spectre.Console;
using Orchestrator.Composition;
using Orchestrator.Progress;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator stats -e FILE [--node N] [--table PATTERN] [--exact] [--json]</c>: table, index and server statistics of every node.</summary>
internal static class StatsCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var shards = CommonOptions.Shards();
        var parallel = CommonOptions.Parallel();
        var json = CommonOptions.Json();
        var node = new Option<string[]>("--node") { Description = "Read only this node (repeatable); default: every node.", AllowMultipleArgumentsPerToken = false };
        var table = new Option<string?>("--table") { Description = "Only tables whose name matches this pattern (* and ? as in a shell), for example 'order*'." };
        var exact = new Option<bool>("--exact") { Description = "Count every table's rows (COUNT(*), reads each table) instead of the engine's estimate." };
        var longAfter = new Option<string>("--long-after") { Description = $"How long a transaction must have been open to be listed as long-running ({DurationText.Examples}).", DefaultValueFactory = _ => "60s" };
        var command = new Command(
            "stats",
            "Table and index statistics of the application database on every node, sorted by size: sizes, rows (estimated, or counted with --exact), " +
            "dead tuples, vacuum and analyze times, scans and HOT updates (PostgreSQL), data_free (MariaDB); index sizes and scans, with the indexes no node has used; " +
            "long-running transactions, replication slots and the WAL they keep (PostgreSQL), binary log size (MariaDB). Exit 0 when every node was read, 1 otherwise.")
        {
            environment, stateDir, shards, parallel, node, table, exact, longAfter, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
            await ShardFanOut.RunAsync(parse.GetValue(environment)!, parse.GetValue(shards) ?? [], parse.GetValue(parallel), parse.GetValue(json), live: false, console, cancellationToken, async (env, console) =>
            {
                if (!DurationText.TryParse(parse.GetValue(longAfter)!, out var threshold))
                {
                    console.Error($"--long-after '{parse.GetValue(longAfter)}' must be a duration such as {DurationText.Examples}");
                    return ExitCodes.BadInput;
                }

                var request = new StatsRequest(parse.GetValue(table), parse.GetValue(exact)) { LongTransaction = threshold };
                var stats = await StatsCollector.ReadAsync(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance), parse.GetValue(node) ?? [], request, TimeSpan.FromSeconds(30), cancellationToken);
                if (parse.GetValue(json))
                {
                    console.Profile.Width = int.MaxValue / 2;
                    console.WriteLine(JsonSerializer.Serialize(
                        new { environment = stats.Environment, engine = env.Engine.ToText(), database = env.Database, longTransactionSeconds = threshold.TotalSeconds, nodes = stats.Nodes, unusedIndexes = stats.UnusedIndexes },
                        Json));
                }
                else
                {
                    StatsText.Print(console, env, stats, request);
                }

                return stats.Nodes.All(n => n.Reachable) ? ExitCodes.Ok : ExitCodes.Failed;
            }));
        return command;
    }
}
