using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Backups;
using Orchestrator.Composition;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator backup list|prune -e FILE [--in DIR]</c>: the backups an environment has in a folder and the archive's window; removing the older ones.</summary>
internal static class BackupRetentionCommands
{
    private const string DefaultFolder = "backups";

    public static Command List(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var shards = CommonOptions.Shards();
        var folder = InOption();
        var json = CommonOptions.Json();
        var command = new Command(
            "list",
            "List the environment's backups in a folder, newest first: kind, node, completion time, size, schema version and position. With backup.archive, each physical backup also shows " +
            "how far a point-in-time restore from it reaches (or the gap in the archive that stops it), and the archive shows its window: from the oldest such backup's completion to the newest archived commit. " +
            "The listing checks that the archive files are there; 'rehearse' proves them whole. Exit 0 listed, 1 failed, 2 bad input.")
        {
            environment,
            stateDir,
            shards,
            folder,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
            await ShardFanOut.RunAsync(parse.GetValue(environment)!, parse.GetValue(shards) ?? [], null, parse.GetValue(json), live: false, console, cancellationToken, async (env, console) =>
            {
                var directory = parse.GetValue(folder)?.FullName ?? Path.GetFullPath(DefaultFolder);
                var listing = await BackupRetention.ListAsync(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance), directory, cancellationToken);
                if (parse.GetValue(json))
                {
                    console.Profile.Out.Writer.WriteLine(Json(env.Name, directory, listing));
                }
                else
                {
                    Print(console, env.Name, directory, listing);
                }

                return ExitCodes.Ok;
            }));
        return command;
    }

    public static Command Prune(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var shards = CommonOptions.Shards();
        var folder = InOption();
        var keep = new Option<int>("--keep")
        {
            Description = "How many of the newest backups of each kind (logical, physical) to keep; at least 1.",
            Required = true,
            HelpName = "N",
        };
        keep.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--keep must be at least 1: prune keeps the newest backups of each kind; to remove every backup, delete the folders yourself");
            }
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be removed, and remove nothing." };
        var command = new Command(
            "prune",
            "Remove the environment's backups in a folder beyond the N newest of each kind, and, with backup.archive, the archive files that no kept physical backup needs " +
            "(those older than where the oldest kept one's replay starts; timeline history files always stay). Only the backups in the folder are known: keep every backup of the environment there. " +
            "A folder with a backup whose manifest cannot be read leaves the archive whole. Exit 0 pruned, 1 failed, 2 bad input.")
        {
            environment,
            stateDir,
            shards,
            folder,
            keep,
            dryRun,
        };
        command.SetAction(async (parse, cancellationToken) =>
            await ShardFanOut.RunAsync(parse.GetValue(environment)!, parse.GetValue(shards) ?? [], null, false, live: false, console, cancellationToken, async (env, console) =>
            {
                var directory = parse.GetValue(folder)?.FullName ?? Path.GetFullPath(DefaultFolder);
                var outcome = await BackupRetention.PruneAsync(
                    CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, new ConsoleProgress(console)), directory, parse.GetValue(keep), parse.GetValue(dryRun), cancellationToken);
                Print(console, outcome);
                return ExitCodes.Ok;
            }));
        return command;
    }

    private static Option<DirectoryInfo?> InOption() => new("--in")
    {
        Description = $"The folder the backups are in: searched with its subfolders and theirs (default: ./{DefaultFolder}, where 'backup' writes them).",
        HelpName = "DIR",
    };

    private static void Print(IAnsiConsole console, string environment, string directory, BackupListing listing)
    {
        console.MarkupLineInterpolated($"{Counted.Of(listing.Backups.Count, "backup")} of {environment} in {directory}{(listing.Backups.Count > 0 ? ", newest first:" : "")}");
        foreach (var (backup, reaches, gap) in listing.Backups)
        {
            var manifest = backup.Manifest;
            var version = manifest.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "none";
            console.MarkupLineInterpolated(
                $"  [bold]{backup.CompletedAt:yyyy-MM-dd HH:mm:ss}Z[/] {manifest.Kind.ToString().ToLowerInvariant(),-8} {manifest.Node,-12} {BackupVerification.Size(manifest.TotalBytes),10}  schema {version}, position {manifest.Position}");
            console.MarkupLineInterpolated($"    [grey]{backup.Directory}[/]");
            if (gap is not null)
            {
                console.MarkupLineInterpolated($"    [yellow]no point-in-time restore past its completion:[/] {gap}");
            }
            else if (listing.Archive is not null && manifest.Kind == BackupKind.Physical)
            {
                console.MarkupLineInterpolated($"    point in time: from its completion to {Commit(reaches)}");
            }
        }

        foreach (var unreadable in listing.Unreadable)
        {
            console.MarkupLineInterpolated($"  [yellow]not counted:[/] {unreadable.Directory}: {unreadable.Reason}");
        }

        if (listing.Archive is { } archive)
        {
            var window = archive.Earliest is { } earliest
                ? $"a point-in-time restore reaches from {earliest:yyyy-MM-dd HH:mm:ss}Z to {Commit(archive.Latest)}"
                : "no listed physical backup starts a replay through it, so no point in time can be restored: take one with 'backup --kind physical'";
            console.MarkupLineInterpolated($"Archive {archive.Directory}: {Counted.Of(archive.Files, "file")}, {BackupVerification.Size(archive.Bytes)}; {window}");
        }
    }

    private static string Commit(ArchivedCommit? commit) => commit is null
        ? "its completion (no commit archived since)"
        : $"{commit.CommittedAt:yyyy-MM-dd HH:mm:ss.ffffff}Z (transaction {commit.TransactionId}, position {commit.Position})";

    private static string Json(string environment, string directory, BackupListing listing) => JsonSerializer.Serialize(
        new
        {
            environment,
            folder = directory,
            backups = listing.Backups.Select(l => new
            {
                directory = l.Backup.Directory,
                kind = l.Backup.Manifest.Kind.ToString().ToLowerInvariant(),
                node = l.Backup.Manifest.Node,
                takenAt = l.Backup.Manifest.TakenAt,
                completedAt = l.Backup.CompletedAt,
                bytes = l.Backup.Manifest.TotalBytes,
                schemaVersion = l.Backup.Manifest.SchemaVersion,
                position = l.Backup.Manifest.Position,
                reachesTo = CommitJson(l.ReachesTo),
                gap = l.Gap,
            }),
            unreadable = listing.Unreadable.Select(u => new { directory = u.Directory, reason = u.Reason }),
            archive = listing.Archive is { } a
                ? new { directory = a.Directory, files = a.Files, bytes = a.Bytes, earliest = a.Earliest, latest = CommitJson(a.Latest) }
                : null,
        },
        new JsonSerializerOptions { WriteIndented = true });

    private static object? CommitJson(ArchivedCommit? commit) =>
        commit is null ? null : new { transaction = commit.TransactionId, committedAt = commit.CommittedAt, position = commit.Position };

    private static void Print(IAnsiConsole console, PruneOutcome outcome)
    {
        var verb = outcome.DryRun ? "would remove" : "removed";
        console.MarkupLineInterpolated($"Kept {Counted.Of(outcome.Kept.Count, "backup")}; {verb} {Counted.Of(outcome.Removed.Count, "backup")} ({BackupVerification.Size(outcome.Removed.Sum(b => b.Manifest.TotalBytes))})");
        foreach (var backup in outcome.Removed)
        {
            console.MarkupLineInterpolated($"  {verb}: {backup.Directory} ({backup.Manifest.Kind.ToString().ToLowerInvariant()}, completed {backup.CompletedAt:yyyy-MM-dd HH:mm:ss}Z)");
        }

        foreach (var unreadable in outcome.Unreadable)
        {
            console.MarkupLineInterpolated($"  [yellow]left alone:[/] {unreadable.Directory}: {unreadable.Reason}");
        }

        if (outcome.Archive is { } archive)
        {
            console.MarkupLineInterpolated($"Archive: {verb} {Counted.Of(archive.Files.Count(f => !f.EndsWith(".sha256", StringComparison.Ordinal)), "file")} ({BackupVerification.Size(archive.Bytes)}) that no kept backup needs; replay from the oldest kept one starts at {archive.OldestKept}");
        }
        else if (outcome.ArchiveLeftWhole is { } why)
        {
            console.MarkupLineInterpolated($"[yellow]Archive:[/] {why}");
        }
    }
}
