using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Environments;
using Orchestrator.Shards;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>
/// Runs a command on an environment, or on every selected shard of a sharded one, at most
/// --parallel at once. Each shard's output is kept apart and printed as one block under the
/// shard's name (with --json, one document holding each shard's), so parallel work never interleaves.
/// </summary>
internal static class ShardFanOut
{
    /// <param name="live">Print each shard's block as it finishes, with a line as each starts (long work); else every block in the file's order at the end.</param>
    /// <param name="action">The command on one environment (a shard's), writing to the console it is given.</param>
    public static async Task<int> RunAsync(
        FileInfo file, string[] shardNames, int? parallel, bool json, bool live, IAnsiConsole console, CancellationToken cancellationToken, Func<EnvironmentDefinition, IAnsiConsole, Task<int>> action)
    {
        if (EnvironmentArgument.Load(file, console) is not { } environment || Select(environment, shardNames, console) is not { } shards)
        {
            return ExitCodes.BadInput;
        }

        if (!environment.IsSharded)
        {
            return await OperationErrors.RunAsync(console, () => action(environment, console));
        }

        var gate = new Lock();
        var runs = await ShardRollout.RunAsync(
            shards,
            new RolloutOptions(parallel ?? RolloutOptions.DefaultParallel, FailurePolicy.Continue),
            async (shard, _, _) =>
            {
                using var writer = new StringWriter();
                var buffered = Buffered(console, writer);
                var code = await OperationErrors.RunAsync(buffered, () => action(shard, buffered));
                return new ShardWorkResult<(int Code, string Output)>(code == ExitCodes.Ok ? ShardRunState.Succeeded : ShardRunState.Failed, (code, writer.ToString()));
            },
            started: live && !json ? shard => { lock (gate) { console.MarkupLineInterpolated($"[grey]…[/] shard [bold]{ShardRollout.NameOf(shard)}[/]"); } } : null,
            finished: live && !json ? run => { lock (gate) { PrintBlock(console, run); } } : null,
            cancellationToken);

        if (json)
        {
            console.Profile.Out.Writer.WriteLine(Combined(runs));
        }
        else if (!live)
        {
            foreach (var run in runs)
            {
                PrintBlock(console, run);
            }
        }

        var failed = runs.Where(r => r.State != ShardRunState.Succeeded).ToList();
        if (!json)
        {
            if (failed.Count == 0)
            {
                console.MarkupLineInterpolated($"[green]{runs.Count} of {Counted.Of(runs.Count, "shard")} ok[/]");
            }
            else
            {
                console.MarkupLineInterpolated($"[red]{failed.Count} of {Counted.Of(runs.Count, "shard")} failed[/]: {string.Join(", ", failed.Select(r => $"{r.Shard} (exit {r.Result.Code})"))}");
            }
        }

        return ExitCode(runs.Select(r => r.Result.Code).ToList());
    }

    /// <summary>The shards the command acts on, or null (and the reason printed) when the selection is bad input.</summary>
    public static IReadOnlyList<EnvironmentDefinition>? Select(EnvironmentDefinition environment, string[] shardNames, IAnsiConsole console)
    {
        try
        {
            return ShardSelection.Select(environment, shardNames);
        }
        catch (ShardSelectionException e)
        {
            console.Error($"{e.Message}");
            return null;
        }
    }

    /// <summary>Bad input on every shard is bad input; any other failure is a failed operation.</summary>
    public static int ExitCode(IReadOnlyList<int> codes) =>
        codes.All(c => c == ExitCodes.Ok) ? ExitCodes.Ok
        : codes.Where(c => c != ExitCodes.Ok).All(c => c == ExitCodes.BadInput) ? ExitCodes.BadInput
        : ExitCodes.Failed;

    /// <summary>A console like <paramref name="console"/> (colours, width) that writes to <paramref name="writer"/>.</summary>
    public static IAnsiConsole Buffered(IAnsiConsole console, TextWriter writer)
    {
        var capabilities = console.Profile.Capabilities;
        var buffered = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = capabilities.Ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = capabilities.ColorSystem switch
            {
                ColorSystem.NoColors => ColorSystemSupport.NoColors,
                ColorSystem.Legacy => ColorSystemSupport.Legacy,
                ColorSystem.Standard => ColorSystemSupport.Standard,
                ColorSystem.EightBit => ColorSystemSupport.EightBit,
                _ => ColorSystemSupport.TrueColor,
            },
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        buffered.Profile.Width = console.Profile.Width;
        return buffered;
    }

    private static void PrintBlock(IAnsiConsole console, ShardRun<(int Code, string Output)> run)
    {
        var mark = run.State == ShardRunState.Succeeded ? "[green]✓[/]" : "[red]✗[/]";
        console.MarkupLine($"{mark} shard [bold]{Markup.Escape(run.Shard)}[/] [grey]{run.Elapsed.TotalSeconds:0.0}s[/]");
        console.Profile.Out.Writer.Write(run.Result.Output);
        console.Profile.Out.Writer.Flush();
    }

    /// <summary>One document for scripts: each shard's exit code and its own JSON (or its message when it printed none).</summary>
    private static string Combined(IReadOnlyList<ShardRun<(int Code, string Output)>> runs)
    {
        var shards = new JsonArray();
        foreach (var run in runs)
        {
            JsonNode? result;
            try
            {
                result = JsonNode.Parse(run.Result.Output);
            }
            catch (JsonException)
            {
                result = null;
            }

            var entry = new JsonObject { ["shard"] = run.Shard, ["exitCode"] = run.Result.Code, ["result"] = result };
            if (result is null)
            {
                entry["message"] = run.Result.Output.Trim();
            }

            shards.Add(entry);
        }

        return new JsonObject { ["shards"] = shards }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
