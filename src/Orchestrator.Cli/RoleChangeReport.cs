using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Cli;

/// <summary>Prints a role change's outcome (a table of what happened to each node, or JSON) and turns it into an exit code.</summary>
internal static class RoleChangeReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <param name="shapeMatchesFile">The servers are back in the shape the environment file describes (no live shape is recorded).</param>
    public static int Print(IAnsiConsole console, RoleChangeOutcome outcome, bool json, bool shapeMatchesFile)
    {
        if (json)
        {
            console.Profile.Width = int.MaxValue / 2;
            console.WriteLine(JsonSerializer.Serialize(JsonOutcome.Of(outcome), Json));
        }
        else
        {
            PrintText(console, outcome, shapeMatchesFile);
        }

        return outcome.Refusal is { BadInput: true } ? ExitCodes.BadInput
            : outcome.Succeeded ? ExitCodes.Ok
            : ExitCodes.Failed;
    }

    private static void PrintText(IAnsiConsole console, RoleChangeOutcome outcome, bool shapeMatchesFile)
    {
        if (outcome.Changes.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title(outcome.Operation).AddColumns("node", "action", "result", "time", "detail");
            foreach (var change in outcome.Changes)
            {
                table.AddRow(
                    Markup.Escape(change.Node),
                    Markup.Escape(change.Text),
                    change.Result switch
                    {
                        ChangeResult.Done => "[green]done[/]",
                        ChangeResult.Skipped => "[grey]skipped[/]",
                        ChangeResult.Refused => "[yellow]refused[/]",
                        _ => "[red]failed[/]",
                    },
                    change.Elapsed is { } elapsed ? $"{elapsed.TotalSeconds:0.000}s" : "",
                    Markup.Escape(change.Detail ?? ""));
            }

            console.Write(table);
        }

        if (outcome.WriteRefusedWindow is { } window && outcome.Kind == RoleChangeKind.Failover)
        {
            // The old primary failed before the command started: writes were refused since then, which the tool cannot know.
            console.MarkupLineInterpolated($"'{outcome.NewPrimary}' accepted writes [bold]{window.TotalMilliseconds:0} ms[/] after the failover began (writes were refused since '{outcome.OldPrimary}' failed).");
        }
        else if (outcome.WriteRefusedWindow is { } refused)
        {
            console.MarkupLineInterpolated($"Writes were refused for [bold]{refused.TotalMilliseconds:0} ms[/] (from '{outcome.OldPrimary}' refusing writes until '{outcome.NewPrimary ?? outcome.OldPrimary}' accepted them).");
        }

        if (outcome.Refusal is { } refusal)
        {
            console.Errors().MarkupLineInterpolated($"[red]refused:[/] {refusal.Message}");
            if (outcome.Changes.Count == 0)
            {
                console.ErrorNote("Nothing was changed.");
            }
        }
        else if (outcome.Succeeded)
        {
            var primary = outcome.NewPrimary is { } p ? $"; '{p}' is the primary" : "";
            console.MarkupLineInterpolated($"[green]{outcome.Operation} done[/] in {outcome.Duration.TotalSeconds:0.0}s{primary}.");
            console.MarkupLine(shapeMatchesFile
                ? "[grey]The servers are in the shape the environment file describes again.[/]"
                : "[grey]The environment file still describes the intended shape; 'status' marks where the servers differ from it.[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"[red]{outcome.Operation} did not complete[/]: see the failed and refused steps above.");
        }
    }

    /// <summary>
    /// The JSON document: the fields of the first release unchanged ("action" and "refusal" as
    /// text, "refusedAsBadInput"), plus the typed "step" and "refusalReason".
    /// </summary>
    private sealed record JsonOutcome(
        string Operation,
        IReadOnlyList<JsonChange> Changes,
        TimeSpan Duration,
        string? OldPrimary,
        string? NewPrimary,
        TimeSpan? WriteRefusedWindow,
        string? PromotedAt,
        string? Refusal,
        RefusalReason? RefusalReason,
        bool RefusedAsBadInput,
        bool Succeeded)
    {
        public static JsonOutcome Of(RoleChangeOutcome outcome) => new(
            outcome.Operation,
            outcome.Changes.Select(c => new JsonChange(c.Node, c.Text, c.Action, c.Peer, c.Result, c.Detail, c.Elapsed)).ToList(),
            outcome.Duration,
            outcome.OldPrimary,
            outcome.NewPrimary,
            outcome.WriteRefusedWindow,
            outcome.PromotedAt,
            outcome.Refusal?.Message,
            outcome.Refusal?.Reason,
            outcome.Refusal?.BadInput == true,
            outcome.Succeeded);
    }

    private sealed record JsonChange(string Node, string Action, NodeAction Step, string? Peer, ChangeResult Result, string? Detail, TimeSpan? Elapsed);
}
