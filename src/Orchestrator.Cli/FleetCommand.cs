using System.CommandLine;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Processes;
using Orchestrator.Shards;
using Spectre.Console;
using Orchestrator.Composition;

namespace Orchestrator.Cli;

/// <summary>
/// migrate, rollback and plan on a sharded environment: the shards selected, the migrations
/// loaded once, and one table row per shard. An environment without shards takes the command's
/// single path unchanged.
/// </summary>
internal static class FleetCommand
{
    public static async Task<int> RunAsync(
        ParseResult parse,
        FleetOptions options,
        IAnsiConsole console,
        CancellationToken cancellationToken,
        Func<EnvironmentDefinition, Task<int>> single,
        Func<FleetMigrations, IReadOnlyList<EnvironmentDefinition>, int, Task<int>> fleet)
    {
        var shardNames = parse.GetValue(options.Shards) ?? [];
        var stateDir = parse.GetValue(options.StateDir);
        if (EnvironmentArgument.Load(parse.GetValue(options.Environment)!, console) is not { } environment)
        {
            return ExitCodes.BadInput;
        }

        if (!environment.IsSharded && shardNames.Length == 0)
        {
            // Ignoring them would run the whole command at once on the one primary a canary was meant to protect.
            if (options.ShardOnlyGiven(parse) is { Count: > 0 } given)
            {
                console.Error($"{string.Join(" and ", given)} {(given.Count == 1 ? "applies" : "apply")} only to a sharded environment, and '{environment.Name}' has no shards; leave {(given.Count == 1 ? "it" : "them")} out");
                return ExitCodes.BadInput;
            }

            return await single(environment);
        }

        if (ShardFanOut.Select(environment, shardNames, console) is not { } shards)
        {
            return ExitCodes.BadInput;
        }

        return await OperationErrors.RunAsync(console, async () =>
        {
            using var project = await MigrationProject.LoadAsync(environment, cancellationToken);
            var progress = new ConsoleProgress(console);
            var migrations = new FleetMigrations(project, CompositionRoot.Open(environment, stateDir?.FullName, progress), shard => new ShardProgress(progress, ShardRollout.NameOf(shard)))
            {
                Started = shard => console.MarkupLineInterpolated($"  [grey]…[/] {ShardRollout.NameOf(shard),-12} started"),
            };
            console.MarkupLineInterpolated($"[bold]{environment.Name}[/]: {Counted.Of(shards.Count, "shard")}, migrations {project.AssemblyName}");
            return await fleet(migrations, shards, parse.GetValue(options.Parallel) ?? RolloutOptions.DefaultParallel);
        });
    }

    /// <summary>
    /// A migrate or rollback across the shards under --canary and --on-failure: a line as each shard
    /// finishes, then the table; returns the exit code.
    /// </summary>
    public static async Task<int> RolloutAsync(
        ParseResult parse,
        FleetOptions options,
        int parallel,
        IAnsiConsole console,
        string ranHeader,
        Func<RolloutOptions, Action<ShardRun<ShardMigrationResult>>, Task<IReadOnlyList<ShardRun<ShardMigrationResult>>>> run)
    {
        var runs = await run(options.Rollout(parse, parallel), shard => Finished(console, shard));
        return Report(console, runs, ranHeader);
    }

    /// <summary>A line as each shard finishes, so long rollouts show progress.</summary>
    private static void Finished(IAnsiConsole console, ShardRun<ShardMigrationResult> run)
    {
        var name = run.Shard.PadRight(12);
        var seconds = $"{run.Elapsed.TotalSeconds:0.0}s";
        switch (run.State)
        {
            case ShardRunState.Succeeded:
                console.MarkupLineInterpolated($"  [green]✓[/] {name} at version {VersionOf(run.Result!)} ({run.Result!.Ran} ran) [grey]{seconds}[/]");
                break;
            case ShardRunState.Stopped:
                console.MarkupLineInterpolated($"  [yellow]■[/] {name} stopped at version {VersionOf(run.Result!)}: another shard failed [grey]{seconds}[/]");
                break;
            case ShardRunState.Failed:
                console.MarkupLineInterpolated($"  [red]✗[/] {name} failed at version {VersionOf(run.Result!)} [grey]{seconds}[/]");
                break;
            default:
                console.MarkupLineInterpolated($"  [grey]-[/] {name} not started: {run.NotStartedBecause}");
                break;
        }
    }

    /// <summary>The rollout's table, then each failed shard's reason; returns the exit code.</summary>
    private static int Report(IAnsiConsole console, IReadOnlyList<ShardRun<ShardMigrationResult>> runs, string ranHeader)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("shard", "result", "version", ranHeader, "replicas", "time");
        foreach (var run in runs)
        {
            var result = run.Result;
            table.AddRow(
                Markup.Escape(run.Shard),
                run.State switch
                {
                    ShardRunState.Succeeded => result!.Ran == 0 ? "[green]up to date[/]" : "[green]done[/]",
                    ShardRunState.Failed => "[red]failed[/]",
                    ShardRunState.Stopped => "[yellow]stopped[/]",
                    _ => "[grey]not started[/]",
                },
                result is null ? "" : VersionOf(result),
                result is null ? "" : result.Ran.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(ReplicasText(run)),
                run.State == ShardRunState.NotStarted ? "" : $"{run.Elapsed.TotalSeconds:0.00}s");
        }

        console.Write(table);
        var codes = new List<int>();
        foreach (var run in runs.Where(r => r.State != ShardRunState.Succeeded))
        {
            if (run.Result?.Failure is { } failure)
            {
                var (code, message) = OperationErrors.Classify(failure) ?? (ExitCodes.Failed, $"unexpected {failure.GetType().Name}: {Redactor.Redact(failure.Message)}");
                codes.Add(code);
                console.Error($"shard {run.Shard} (at version {VersionOf(run.Result)}): {message}");
            }
            else
            {
                codes.Add(ExitCodes.Failed);
            }
        }

        var notDone = runs.Where(r => r.State is ShardRunState.Stopped or ShardRunState.NotStarted).Select(r => r.Shard).ToList();
        if (notDone.Count > 0)
        {
            console.MarkupLineInterpolated($"Not finished: {string.Join(", ", notDone)}. Run the command again to continue where work is left.");
        }

        var failed = runs.Count(r => r.State == ShardRunState.Failed);
        console.MarkupLineInterpolated(failed == 0 && notDone.Count == 0
            ? (FormattableString)$"[green]{runs.Count} of {Counted.Of(runs.Count, "shard")} done.[/]"
            : $"[red]{failed} of {Counted.Of(runs.Count, "shard")} failed[/], {notDone.Count} not finished.");
        return codes.Count == 0 ? ExitCodes.Ok : ShardFanOut.ExitCode(codes);
    }

    /// <summary>The version a shard is at after its run; "unknown" when its primary did not answer.</summary>
    private static string VersionOf(ShardMigrationResult result) => result.VersionKnown ? VersionText(result.Version) : "unknown";

    public static string VersionText(long? version) => version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    private static string ReplicasText(ShardRun<ShardMigrationResult> run) => run.State switch
    {
        ShardRunState.NotStarted => "",
        ShardRunState.Failed => "",
        _ when run.Result!.Replicas.Count == 0 => run.Result.Ran == 0 ? "" : "none",
        _ => string.Join(", ", run.Result!.Replicas.Select(r => $"{r.Node} {(r.Replayed ? "replayed" : "behind")}")),
    };
}
