using System.CommandLine;
using System.Text.Json;
using Orchestrator.Drift;
using Orchestrator.Environments;
using Spectre.Console;
using Orchestrator.Composition;
using Orchestrator.Progress;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator drift -e A [-e B] [--json]</c>: schema differences between nodes and environments.</summary>
internal static class DriftCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environments = new Option<FileInfo[]>("--environment", "-e")
        {
            Description = "An environment file; give two to compare one environment with another (for example staging and production).",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var stateDir = CommonOptions.StateDir();
        var json = CommonOptions.Json();
        var againstMigrations = new Option<bool>("--against-migrations")
        {
            Description = "Also compare the primary with what its applied migrations produce, applied to a scratch server of the same engine (on this machine, or a container of the same image for a docker environment; deleted afterwards).",
        };
        var shards = CommonOptions.Shards();
        var parallel = CommonOptions.Parallel();
        var acrossShards = new Option<bool>("--across-shards")
        {
            Description = "In a sharded environment: compare every shard primary's schema with the reference shard's, shard by shard.",
        };
        var reference = new Option<string?>("--reference")
        {
            Description = "With --across-shards: the shard the others are compared with (default: the first one).",
        };
        var command = new Command(
            "drift",
            "Compare the application database's structure (tables, columns, types, nullability, defaults, indexes, constraints) on every node with its primary, " +
            "and between two environments' primaries. Exit 0 when nothing differs, 1 when something does (or a node cannot be read), 2 for bad input.")
        {
            environments,
            stateDir,
            json,
            againstMigrations,
            shards,
            parallel,
            acrossShards,
            reference,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var files = parse.GetValue(environments)!;
            if (files.Length > 2)
            {
                console.Error("give one environment (its nodes are compared) or two (their primaries are compared).");
                return ExitCodes.BadInput;
            }

            var loaded = new List<EnvironmentDefinition>();
            foreach (var file in files)
            {
                if (EnvironmentArgument.Load(file, console) is not { } environment)
                {
                    return ExitCodes.BadInput;
                }

                loaded.Add(environment);
            }

            async Task<int> CompareAsync(IReadOnlyList<EnvironmentDefinition> environments, IAnsiConsole output)
            {
                var report = await DriftCheck.RunAsync(environments.Select(e => CompositionRoot.Open(e, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance)).ToList(), cancellationToken, parse.GetValue(againstMigrations));
                if (parse.GetValue(json))
                {
                    output.WriteLine(Json(report));
                }
                else
                {
                    Print(output, report);
                }

                return report.HasDrift ? ExitCodes.Failed : ExitCodes.Ok;
            }

            var sharded = loaded.Any(e => e.IsSharded);
            if (parse.GetValue(reference) is not null && !parse.GetValue(acrossShards))
            {
                console.Error("--reference names the shard --across-shards compares the others with; add --across-shards.");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(acrossShards))
            {
                return AcrossShards(loaded, parse.GetValue(shards) ?? [], parse.GetValue(reference), console) is { } fleet
                    ? await OperationErrors.RunAsync(console, () => CompareAsync(fleet, console))
                    : ExitCodes.BadInput;
            }

            if (sharded && loaded.Count > 1)
            {
                console.Error("two environment files compare two primaries; a sharded environment has one per shard. Compare its shards with --across-shards.");
                return ExitCodes.BadInput;
            }

            return sharded
                ? await ShardFanOut.RunAsync(files[0], parse.GetValue(shards) ?? [], parse.GetValue(parallel), parse.GetValue(json), live: false, console, cancellationToken, (shard, output) => CompareAsync([shard], output))
                : await OperationErrors.RunAsync(console, () => CompareAsync(loaded, console));
        });
        return command;
    }

    /// <summary>The shards to compare, the reference first; null (the reason printed) for bad input.</summary>
    private static List<EnvironmentDefinition>? AcrossShards(IReadOnlyList<EnvironmentDefinition> loaded, string[] names, string? reference, IAnsiConsole console)
    {
        if (loaded.Count != 1 || !loaded[0].IsSharded)
        {
            console.Error("--across-shards and --reference compare the shards of one sharded environment; give one file that declares 'shards'.");
            return null;
        }

        var environment = loaded[0];
        if (ShardFanOut.Select(environment, names, console) is not { } selected)
        {
            return null;
        }

        // The reference is validated as a shard name even when every shard is selected.
        if (reference is not null && selected.All(s => s.ShardName != reference))
        {
            if (ShardFanOut.Select(environment, [reference], console) is not { } referenceShard)
            {
                return null;
            }

            selected = [.. selected, referenceShard[0]];
        }

        var first = reference ?? selected[0].ShardName;
        var ordered = selected.Where(s => s.ShardName == first).Concat(selected.Where(s => s.ShardName != first)).ToList();
        if (ordered.Count < 2)
        {
            console.Error("--across-shards needs at least two shards to compare; select more with --shard, or none for every shard.");
            return null;
        }

        return ordered;
    }

    private static void Print(IAnsiConsole console, DriftReport report)
    {
        foreach (var node in report.Nodes)
        {
            if (node.Error is null)
            {
                console.MarkupLineInterpolated($"  {node.Name,-32} fingerprint {node.Fingerprint}");
            }
            else
            {
                console.MarkupLineInterpolated($"  {node.Name,-32} [red]could not be read[/]: {node.Error}");
            }
        }

        foreach (var comparison in report.Comparisons)
        {
            if (comparison.Differences.Count == 0)
            {
                console.MarkupLineInterpolated($"[green]no drift[/]: {comparison.Right} matches {comparison.Left}");
                continue;
            }

            console.MarkupLineInterpolated($"[yellow]drift[/]: {comparison.Right} differs from {comparison.Left} in {Counted.Of(comparison.Differences.Count, "place")}:");
            foreach (var group in comparison.Differences.GroupBy(d => d.Table))
            {
                console.MarkupLineInterpolated($"  table {group.Key}:");
                foreach (var item in group)
                {
                    console.MarkupLineInterpolated($"    {item.Kind} {item.Name}: {item.Left ?? "(missing)"}  →  {item.Right ?? "(missing)"}");
                }
            }
        }
    }

    /// <summary>Stable for scripts: keys only ever added; a missing side is null.</summary>
    private static string Json(DriftReport report) => JsonSerializer.Serialize(
        new
        {
            drift = report.HasDrift,
            nodes = report.Nodes.Select(n => new { name = n.Name, fingerprint = n.Fingerprint, error = n.Error }),
            comparisons = report.Comparisons.Select(c => new
            {
                left = c.Left,
                right = c.Right,
                differences = c.Differences.Select(d => new { table = d.Table, kind = d.Kind, name = d.Name, left = d.Left, right = d.Right }),
            }),
        },
        new JsonSerializerOptions { WriteIndented = true });
}
