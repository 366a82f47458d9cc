using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Topology;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Cli;

/// <summary>
/// status --watch: reads the environment again every interval and shows roles, lag with its recent
/// trend, schema versions and connections; live in place at a terminal, else one line per node per
/// refresh. The migrations load once. Cancellation (Ctrl+C) ends it cleanly.
/// </summary>
internal sealed class StatusWatch(IAnsiConsole console, EnvironmentDefinition environment, string? stateDir, TimeSpan interval)
{
    private const int TrendLength = 8;
    private static readonly char[] Bars = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    private readonly Dictionary<string, Queue<double>> _lag = [];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var loading = Task.Run(() => MigrationProject.TryLoadAsync(environment, cancellationToken), cancellationToken);
        try
        {
            if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
            {
                await console.Live(new Markup("[grey]reading...[/]")).StartAsync(async live =>
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        live.UpdateTarget(Render(await ReadAsync(loading, cancellationToken)));
                        live.Refresh();
                        await Task.Delay(interval, cancellationToken);
                    }
                });
            }
            else
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var status = await ReadAsync(loading, cancellationToken);
                    var at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    foreach (var node in status.Nodes)
                    {
                        console.WriteLine($"{at} {environment.Name} {Line(node)}");
                    }

                    await Task.Delay(interval, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the way a watch ends.
        }
        finally
        {
            if (loading.IsCompletedSuccessfully && loading.Result.Project is { } project)
            {
                project.Dispose();
            }
        }

        return ExitCodes.Ok;
    }

    private async Task<EnvironmentStatus> ReadAsync(Task<(MigrationProject? Project, string? Problem)> loading, CancellationToken cancellationToken)
    {
        var status = await StatusReader.ReadAsync(environment, stateDir, loading, cancellationToken);
        foreach (var node in status.Nodes.Where(n => n.Role == ObservedRole.Replica))
        {
            var trend = _lag.TryGetValue(node.Name, out var seen) ? seen : _lag[node.Name] = new Queue<double>();
            trend.Enqueue(node.LagBytes ?? node.LagTransactions ?? node.LagSeconds ?? 0);
            while (trend.Count > TrendLength)
            {
                trend.Dequeue();
            }
        }

        return status;
    }

    private IRenderable Render(EnvironmentStatus status)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{environment.Name} ({EngineNames.Display(environment.Engine)}), every {interval.TotalSeconds:0.#} s; Ctrl+C ends")
            .AddColumns("node", "role", "from", "lag", "trend", "schema", "pending", "connections");
        foreach (var node in status.Nodes)
        {
            table.AddRow(
                Markup.Escape(node.Name),
                node.Reachable ? (node.Role?.ToString().ToLowerInvariant() ?? "?") : $"[red]down[/] [grey]{Markup.Escape(node.Error ?? "")}[/]",
                Markup.Escape(node.ReplicatingFrom ?? ""),
                Markup.Escape(Lag(node)),
                _lag.TryGetValue(node.Name, out var trend) ? Sparkline(trend) : "",
                node.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "",
                node.PendingMigrations?.ToString(CultureInfo.InvariantCulture) ?? "",
                node.Connections?.ToString(CultureInfo.InvariantCulture) ?? "");
        }

        return new Rows(table, new Markup($"[grey]read at {DateTime.UtcNow:HH:mm:ss} UTC[/]"));
    }

    private static string Line(NodeStatus node) =>
        !node.Reachable
            ? $"{node.Name} down error={node.Error}"
            : string.Join(' ', new[]
            {
                node.Name,
                node.Role?.ToString().ToLowerInvariant() ?? "?",
                node.ReplicatingFrom is { } from ? $"from={from}" : null,
                node.Role == ObservedRole.Replica ? $"lag={Lag(node)}" : null,
                $"schema={node.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}",
                $"pending={node.PendingMigrations?.ToString(CultureInfo.InvariantCulture) ?? "-"}",
                node.Connections is { } c ? $"connections={c}" : null,
            }.OfType<string>());

    private static string Lag(NodeStatus node) =>
        node.Role != ObservedRole.Replica ? "" : LagText.Parts(node, unitSeparator: "") is { Count: > 0 } parts ? string.Join('/', parts) : "?";

    private static string Sparkline(IEnumerable<double> values)
    {
        var list = values.ToList();
        var max = list.Count == 0 ? 0 : list.Max();
        return new string(list.Select(v => max <= 0 ? Bars[0] : Bars[(int)Math.Round(v / max * (Bars.Length - 1))]).ToArray());
    }
}
