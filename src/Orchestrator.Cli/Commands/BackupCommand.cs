using System.CommandLine;
using Orchestrator.Backups;
using Orchestrator.Environments;
using Spectre.Console;
using Orchestrator.Composition;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator backup -e FILE [--node N] [--kind logical|physical] [--out DIR]</c>, and <c>backup list</c> / <c>backup prune</c>.</summary>
internal static class BackupCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var shards = CommonOptions.Shards();
        var parallel = CommonOptions.Parallel();
        var node = new Option<string?>("--node")
        {
            Description = "The node to back up (default: the file's backup.node, else the primary; for --kind physical, a replica). A replica spares the primary.",
        };
        var kind = new Option<string>("--kind")
        {
            Description = "logical: pg_dump / mariadb-dump, restorable anywhere. physical: pg_basebackup / mariadb-backup, from a replica.",
            DefaultValueFactory = _ => "logical",
        };
        kind.AcceptOnlyFromAmong("logical", "physical");
        var output = new Option<DirectoryInfo?>("--out")
        {
            Description = "The backup's directory; it must not exist or be empty (default: ./backups/ENV-NODE-KIND-TIME). For several shards, each shard's backup goes to DIR/SHARD.",
        };
        var command = new Command(
            "backup",
            "Back up the environment's database, with a manifest.json beside it: server and tool versions, schema version, per-table row counts and " +
            "content checksums computed in the snapshot the backup saw, and a SHA-256 of every file. Exit 0 when the backup is complete, 1 when it failed (nothing is left behind), 2 for bad input.")
        {
            environment,
            stateDir,
            shards,
            parallel,
            node,
            kind,
            output,
            BackupRetentionCommands.List(console),
            BackupRetentionCommands.Prune(console),
        };
        command.SetAction(async (parse, cancellationToken) =>
            await ShardFanOut.RunAsync(parse.GetValue(environment)!, parse.GetValue(shards) ?? [], parse.GetValue(parallel), false, live: true, console, cancellationToken, async (env, console) =>
            {
                var result = await BackupRunner.RunAsync(
                    CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, new ConsoleProgress(console)),
                    parse.GetValue(node), (parse.GetValue(kind) == "physical" ? BackupKind.Physical : BackupKind.Logical), OutputFor(env, parse.GetValue(output)), cancellationToken);
                var manifest = result.Manifest;
                console.MarkupLineInterpolated(
                    $"[green]Backed up[/] '{manifest.Database}' of {manifest.Environment}/{manifest.Node} ({manifest.Kind.ToString().ToLowerInvariant()}, {BackupVerification.Size(manifest.TotalBytes)} in {Counted.Of(manifest.Files.Count, "file")}) in {result.Duration.TotalSeconds:0.0}s");
                console.MarkupLineInterpolated(
                    $"  position {manifest.Position}, schema version {manifest.SchemaVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, {Counted.Of(manifest.Tables.Count, "table")}, {Counted.Of(manifest.Tables.Sum(t => t.Rows), "row")}");
                console.MarkupLineInterpolated($"  {result.Directory}");
                return ExitCodes.Ok;
            }));
        return command;
    }

    /// <summary>With several shards backed up at once, each shard's backup goes to its own folder in --out.</summary>
    private static string? OutputFor(EnvironmentDefinition environment, DirectoryInfo? output) =>
        output is null ? null : environment.ShardName is { } shard ? Path.Combine(output.FullName, shard) : output.FullName;
}
