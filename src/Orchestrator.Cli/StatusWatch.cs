using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Topology;
using Spectre.Console;
using Spectre.Console.Rendering;
using Orchestrator.Context;

namespace Orchestrator.Cli;

/// <summary>
/// status --watch: reads the environment again every interval and shows roles, lag with its recent
/// trend, schema versions and connections; live in place at a terminal, else one line per node per
/// refresh. The migrations load once. Cancellation (Ctrl+C) ends it cleanly.
/// </summary>
internal sealed class StatusWatch(IAnsiConsole console, EnvironmentContext context, TimeSpan interval)
{
    private readonly EnvironmentDefinition _environment = context.Definition;

    private const int TrendLength = 8;
    private static readonly char[] Bars = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    private readonly Dictionary<string, Queue<double>> _lag = [];

    /// <summary>How long one read of a node may take before it counts as unanswered.</summary>
    private static readonly TimeSpan PerNode = TimeSpan.FromSeconds(15);

    /// <summary>How long a watch that ends waits for the reads under way.</summary>
    private static readonly TimeSpan ReadersAtExit = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (StatusReader.NodeReading Reading, DateTime At)> _latest = new();
    private StateLayout? _state;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var loading = Task.Run(() => MigrationProject.TryLoadAsync(_environment, cancellationToken), cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = new List<Task>();
        try
        {
            // Each node is read on its own, every interval: one that hangs (a stopped server, a
            // cut link) goes stale while the others refresh.
            _state = context.State;
            var credentials = await StatusReader.CredentialsAsync(_environment, _state, cancellationToken);
            readers.AddRange(_environment.Nodes.Select(node => ReadEveryIntervalAsync(node, credentials, loading, stop.Token)));
            if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
            {
                await console.Live(new Markup("[grey]reading...[/]")).StartAsync(async live =>
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        await Task.Delay(interval, cancellationToken);
                        live.UpdateTarget(Render(Snapshot(loading)));
                        live.Refresh();
                    }
                });
            }
            else
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(interval, cancellationToken);
                    var status = Snapshot(loading);
                    var at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    foreach (var node in status.Nodes)
                    {
                        var (read, stale) = Freshness(node.Name);
                        console.WriteLine($"{at} {_environment.Name} {Line(node)} read={read}{(stale ? " stale" : "")}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the way a watch ends.
        }
        finally
        {
            // A read stuck on a frozen node (a connection it accepts and never answers) is not
            // waited for: the watch ends at once, and the process with it.
            await stop.CancelAsync();
            var reads = Task.WhenAll(readers);
            await Task.WhenAny(reads, Task.Delay(ReadersAtExit, CancellationToken.None));

            // A read still under way may yet count pending migrations with the project.
            if (reads.IsCompleted && loading.IsCompletedSuccessfully && loading.Result.Project is { } project)
            {
                project.Dispose();
            }
        }

        return ExitCodes.Ok;
    }

    private async Task ReadEveryIntervalAsync(NodeDefinition node, EnvironmentCredentials credentials, Task<(MigrationProject? Project, string? Problem)> loading, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var reading = await StatusReader.ReadNodeAsync(context, credentials, node, loading, PerNode, cancellationToken);
                _latest[node.Name] = (reading, DateTime.UtcNow);
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The watch ended.
        }
    }

    /// <summary>The environment from each node's latest reading; a node not read yet is waiting for its first answer.</summary>
    private EnvironmentStatus Snapshot(Task<(MigrationProject? Project, string? Problem)> loading)
    {
        var readings = _environment.Nodes
            .Select(node => _latest.TryGetValue(node.Name, out var latest) ? latest.Reading : new StatusReader.NodeReading(node, null, null, "waiting for its first answer"))
            .ToList();
        var status = StatusReader.Compose(context, _state, readings, loading.IsCompletedSuccessfully ? loading.Result : (null, null));
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

    /// <summary>When the node last answered ("never" before its first answer); stale when that is more than two intervals ago (its row is that reading).</summary>
    private (string Read, bool Stale) Freshness(string node) =>
        _latest.TryGetValue(node, out var latest)
            ? ($"{latest.At:HH:mm:ss}Z", DateTime.UtcNow - latest.At > (interval * 2) + TimeSpan.FromSeconds(1))
            : ("never", true);

    private IRenderable Render(EnvironmentStatus status)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{_environment.Name} ({EngineNames.Display(_environment.Engine)}), every {interval.TotalSeconds:0.#} s; Ctrl+C ends")
            .AddColumns("node", "role", "from", "lag", "trend", "schema", "pending", "connections", "read (UTC)");
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
                node.Connections?.ToString(CultureInfo.InvariantCulture) ?? "",
                Freshness(node.Name) is var (read, stale) && stale ? $"[yellow]{read} stale[/]" : read);
        }

        return new Rows(table, new Markup($"[grey]shown at {DateTime.UtcNow:HH:mm:ss} UTC; a stale row is a node's last answer[/]"));
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
