using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Servers;
using Orchestrator.Topology;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Cli;

/// <summary>
/// The status table laid out for the console's width: a narrow terminal gets the columns that
/// tell whether the topology is healthy (the rest is in --json), and texts too long for a cell
/// (a connection error, a replication error of several hundred characters) go whole into lines
/// below the table, so no cell wraps and nothing is cut.
/// </summary>
internal static class StatusTable
{
    /// <summary>Below this width the endpoint, reachable, version, position and last-migration columns give way (a node that does not answer reads "down").</summary>
    public const int WideWidth = 150;

    /// <summary>The longest text kept inside a cell.</summary>
    private const int CellText = 24;

    public static IRenderable Render(EnvironmentDefinition env, EnvironmentStatus status, int width)
    {
        var wide = width >= WideWidth;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{env.Name} ({EngineNames.Display(env.Engine)}, {env.Provider.ToString().ToLowerInvariant()})");
        table.AddColumns(wide
            ? ["node", "endpoint", "role", "reachable", "version", "replicating from", "state", "position", "lag", "schema", "pending", "last migration (UTC)"]
            : ["node", "role", "from", "state", "lag", "schema", "pending"]);
        foreach (var column in table.Columns)
        {
            column.NoWrap();
        }

        var details = new List<string>();
        foreach (var node in status.Nodes)
        {
            var reachable = node.Reachable ? "[green]yes[/]" : $"[red]no[/]{Note(node.Name, "not reachable", node.Error, details, wide)}";
            var state = Cell(node.Name, "state", node.ReplicationState ?? Synchronous(node), details);
            string[] cells = wide
                ?
                [
                    Markup.Escape(node.Name), Markup.Escape(node.Endpoint), Role(node), reachable, Markup.Escape(ShortVersion(node.ServerVersion)), From(node), state,
                    Markup.Escape(node.Position ?? ""), Lag(node), Schema(node), Pending(node),
                    node.LastAppliedOn?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                ]
                : [Markup.Escape(node.Name), node.Reachable ? Role(node) : "[red]down[/]", From(node), state, Lag(node, all: false), Schema(node), Pending(node)];
            table.AddRow(cells);
        }

        return details.Count == 0 ? table : new Rows([table, .. details.Select(d => new Markup(d))]);
    }

    /// <summary>Where the node replicates from, marked when the servers' shape differs from the file's (after a switchover or failover).</summary>
    public static string From(NodeStatus node)
    {
        if (node.FollowsNobody)
        {
            return $"[yellow]nobody[/] [grey](file: {Markup.Escape(node.ExpectedSource!)})[/]";
        }

        var from = Markup.Escape(node.ReplicatingFrom ?? "");
        return node.Role == ObservedRole.Replica && node.ExpectedSource is { } expected && node.ReplicatingFrom is not null && node.ReplicatingFrom != expected
            ? $"[yellow]{from}[/] [grey](file: {Markup.Escape(expected)})[/]"
            : from;
    }

    /// <summary>A primary's state: whether its commits wait for synchronous replicas, and for how many waiting commits.</summary>
    private static string? Synchronous(NodeStatus node) => node.Synchronous switch
    {
        { Waits: true, WaitingCommits: > 0, Stalled: true } sync => $"sync, {sync.WaitingCommits} stalled",
        { Waits: true, WaitingCommits: > 0 } sync => $"sync, {sync.WaitingCommits} waiting",
        { Waits: true } sync => $"sync, {sync.Acknowledging} acking",
        { Waits: false } when node.ExpectsSynchronous => "async (fell back)",
        _ => null,
    };

    private static string Role(NodeStatus node)
    {
        var role = node.Role is null ? "[grey]?[/]" : node.Role.Value.ToString().ToLowerInvariant();
        return node.Role is { } observed && (int)observed != (int)node.ExpectedRole
            ? $"[yellow]{role}[/] [grey](file: {node.ExpectedRole.ToString().ToLowerInvariant()})[/]"
            : role;
    }

    /// <summary>A short text stays in its cell; a long one is replaced by a pointer to its line below the table.</summary>
    private static string Cell(string node, string what, string? text, List<string> details)
    {
        if (string.IsNullOrEmpty(text) || text.Length <= CellText)
        {
            return Markup.Escape(text ?? "");
        }

        details.Add($"[grey]{Markup.Escape(node)} {what}:[/] {Markup.Escape(text)}");
        return "[grey](below)[/]";
    }

    private static string Note(string node, string what, string? text, List<string> details, bool pointer)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        details.Add($"[grey]{Markup.Escape(node)} {what}:[/] {Markup.Escape(text)}");
        return pointer ? " [grey](see below)[/]" : "";
    }

    /// <param name="all">Every measure the engine gives (bytes, transactions, seconds); else the first, for a narrow terminal.</param>
    private static string Lag(NodeStatus node, bool all = true)
    {
        var parts = LagText.Parts(node);
        var text = all ? string.Join(", ", parts) : parts.FirstOrDefault() ?? "";
        return parts.Count > 0 && LagText.CaughtUp(node) ? $"[green]{text}[/]" : $"[yellow]{Markup.Escape(text)}[/]";
    }

    private static string Schema(NodeStatus node) => node.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Pending(NodeStatus node) =>
        node.PendingMigrations is { } pending ? (pending == 0 ? "[green]0[/]" : $"[yellow]{pending}[/]") : "";

    /// <summary>"15.18 (Debian 15.18-0+deb12u1)" and "10.11.19-MariaDB-0+deb12u1" read as 15.18 and 10.11.19; --json keeps the full text.</summary>
    private static string ShortVersion(string? version) => version?.Split(' ', '-')[0] ?? "";
}
