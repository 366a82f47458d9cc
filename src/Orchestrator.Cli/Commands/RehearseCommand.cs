using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Backups;
using Orchestrator.Progress;
using Spectre.Console;
using Orchestrator.Composition;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator rehearse -e FILE --backup DIR [--migrate] [--keep] [--json]</c>.</summary>
internal static class RehearseCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var backup = RestoreCommand.BackupOption();
        var migrate = new Option<bool>("--migrate")
        {
            Description = "Also apply the environment's pending migrations to the restored copy: a dress rehearsal of the next deploy on production-shaped data.",
        };
        var keep = new Option<bool>("--keep") { Description = "Leave the scratch node running afterwards, and say how to remove it." };
        var json = CommonOptions.Json();
        var stateDir = CommonOptions.StateDir();
        var target = new RecoveryTargetOptions();
        var randomPoints = new Option<int?>("--random-points")
        {
            Description = $"Point-in-time: rehearse this many targets (1 to {RandomPointRehearsal.MaxPoints}) drawn at random between the backup's completion and the archive's newest commit; " +
                "each reports the point reached and its recovery time, and fails unless replay stopped exactly at its target (exit 1).",
            HelpName = "N",
        };
        var command = new Command(
            "rehearse",
            "Prove that a backup restores (to a point in time with --to-time, --to-position or --to-transaction: reporting the last transaction applied and proving the next one absent): check its files, restore it into a scratch node of the same engine (a container of the same image for a docker environment), compare every table's row count and checksum " +
            "with the manifest, optionally migrate, and report each step's duration; their sum estimates the recovery time. " +
            "The scratch node's certificate comes from the environment's CA when it has one (so whoever trusts 'tls ca' trusts the scratch node too). " +
            "Exit 0 when everything matched, 1 when the backup is damaged or the data differs, 2 for bad input.")
        {
            environment,
            shard,
            backup,
            migrate,
            keep,
            json,
            stateDir,
        };
        target.AddTo(command);
        command.Options.Add(randomPoints);
        command.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunAsync(parse.GetValue(environment)!, console, async env =>
            {
                var asJson = parse.GetValue(json);
                if (parse.GetValue(randomPoints) is { } count)
                {
                    if (target.Read(parse) is not null || parse.GetValue(migrate) || parse.GetValue(keep))
                    {
                        throw new BackupRefusedException("--random-points draws its own targets: give it without --to-time, --to-position, --to-transaction, --migrate and --keep");
                    }

                    var points = await RandomPointRehearsal.RunAsync(
                        CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, asJson ? SilentProgress.Instance : new ConsoleProgress(console)),
                        parse.GetValue(backup)!.FullName, count, cancellationToken);
                    PrintPoints(console, points, asJson);
                    return points.All(p => p.Exact) ? ExitCodes.Ok : ExitCodes.Failed;
                }

                var report = await Rehearsal.RunAsync(
                    CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, asJson ? SilentProgress.Instance : new ConsoleProgress(console)),
                    parse.GetValue(backup)!.FullName, parse.GetValue(migrate), parse.GetValue(keep), cancellationToken, target.Read(parse));
                if (asJson)
                {
                    console.WriteLine(Json(report));
                }
                else
                {
                    Print(console, report);
                }

                return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
            },
            parse.GetValue(shard)));
        return command;
    }

    private static void PrintPoints(IAnsiConsole console, IReadOnlyList<RandomPointResult> points, bool asJson)
    {
        if (asJson)
        {
            console.WriteLine(JsonSerializer.Serialize(
                new
                {
                    passed = points.All(p => p.Exact),
                    points = points.Select(p => new { exact = p.Exact, recoveryPoint = RecoveryTargetOptions.Json(p.Report.Point), recoveryTimeEstimateSeconds = Math.Round(p.Report.RecoveryTimeEstimate.TotalSeconds, 3) }),
                },
                new JsonSerializerOptions { WriteIndented = true }));
            return;
        }

        foreach (var point in points)
        {
            var reached = point.Report.Point!;
            var last = reached.LastCommitAt is { } at ? at.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) : "none";
            var next = reached.FirstAfter is { } after ? $"{after.Id} at {after.CommittedAt.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture)} ({after.StatusAfterRestore})" : "none in the archive";
            var verdict = point.Exact ? "[green]exact[/]" : "[red]NOT at the target[/]";
            console.MarkupLine($"{verdict} {Markup.Escape(point.Target.Value)}: last commit applied {last}, first after {Markup.Escape(next)}, position {reached.ReachedPosition}, recovery {point.Report.RecoveryTimeEstimate.TotalSeconds:0.00}s");
        }

        var exact = points.Count(p => p.Exact);
        console.MarkupLineInterpolated($"{(exact == points.Count ? "[green]" : "[red]")}{exact} of {Counted.Of(points.Count, "random target")} reached exactly[/]");
    }

    private static void Print(IAnsiConsole console, RehearsalReport report)
    {
        var manifest = report.Manifest;
        console.MarkupLineInterpolated($"Rehearsed {manifest.Kind.ToString().ToLowerInvariant()} backup of {manifest.Environment}/{manifest.Node} taken {manifest.TakenAt:u} ({BackupVerification.Size(manifest.TotalBytes)}):");
        foreach (var step in report.Steps)
        {
            console.MarkupLineInterpolated($"  {step.Name,-32} {step.Duration.TotalSeconds,8:0.00}s");
        }

        console.MarkupLineInterpolated($"  [bold]{"recovery-time estimate",-32} {report.RecoveryTimeEstimate.TotalSeconds,8:0.00}s[/]");
        if (report.Point is { } point)
        {
            RecoveryTargetOptions.Print(console, point);
        }

        var version = Version(report.RestoredSchemaVersion);
        if (report.Point is not null)
        {
            console.MarkupLineInterpolated($"schema version {version} at the target");
        }
        else if (report.SchemaVersionMatches)
        {
            console.MarkupLineInterpolated($"[green]schema version {version}[/] as recorded");
        }
        else
        {
            console.MarkupLineInterpolated($"[red]schema version {version}[/], the manifest says {Version(manifest.SchemaVersion)}");
        }

        if (report.Point is not null)
        {
            // Replayed past the backup: its manifest's counts describe an earlier moment.
        }
        else if (report.Mismatches.Count == 0)
        {
            console.MarkupLineInterpolated($"[green]{Counted.Of(manifest.Tables.Count, "table")}, {Counted.Of(manifest.Tables.Sum(t => t.Rows), "row")}: counts and checksums match the manifest[/]");
        }
        else
        {
            console.MarkupLineInterpolated($"[red]{Counted.Of(report.Mismatches.Count, "table")} {(report.Mismatches.Count == 1 ? "differs" : "differ")} from the manifest:[/]");
            foreach (var m in report.Mismatches)
            {
                console.MarkupLineInterpolated($"  {m.Table}: expected {Describe(m.Expected)}, restored {Describe(m.Restored)}");
            }
        }

        if (report.MigrationsApplied.Count > 0)
        {
            console.MarkupLineInterpolated($"[green]applied {Counted.Of(report.MigrationsApplied.Count, "pending migration")}[/]; the copy is at version {Version(report.FinalSchemaVersion)}");
        }
        else if (report.Steps.Any(s => s.Name == "apply pending migrations"))
        {
            console.MarkupLineInterpolated($"no pending migrations; the copy is at version {Version(report.FinalSchemaVersion)}");
        }

        if (report.KeptAt is not null)
        {
            console.MarkupLineInterpolated($"scratch node kept in {report.KeptAt}");
        }
    }

    private static string Version(long? version) => version?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private static string Describe(TableChecksum? table) => table is null ? "(absent)" : $"{Counted.Of(table.Rows, "row")}, checksum {table.Checksum}";

    /// <summary>Stable for scripts: keys are only ever added.</summary>
    private static string Json(RehearsalReport report) => JsonSerializer.Serialize(
        new
        {
            passed = report.Passed,
            backup = new
            {
                environment = report.Manifest.Environment,
                node = report.Manifest.Node,
                kind = report.Manifest.Kind.ToString().ToLowerInvariant(),
                takenAt = report.Manifest.TakenAt,
                bytes = report.Manifest.TotalBytes,
                schemaVersion = report.Manifest.SchemaVersion,
            },
            steps = report.Steps.Select(s => new { name = s.Name, seconds = Math.Round(s.Duration.TotalSeconds, 3) }),
            recoveryTimeEstimateSeconds = Math.Round(report.RecoveryTimeEstimate.TotalSeconds, 3),
            restoredSchemaVersion = report.RestoredSchemaVersion,
            schemaVersionMatches = report.SchemaVersionMatches,
            tables = report.Manifest.Tables.Count,
            mismatches = report.Mismatches.Select(m => new
            {
                table = m.Table,
                expected = m.Expected is null ? null : new { rows = m.Expected.Rows, checksum = m.Expected.Checksum },
                restored = m.Restored is null ? null : new { rows = m.Restored.Rows, checksum = m.Restored.Checksum },
            }),
            migrationsApplied = report.MigrationsApplied,
            finalSchemaVersion = report.FinalSchemaVersion,
            keptAt = report.KeptAt,
            recoveryPoint = RecoveryTargetOptions.Json(report.Point),
        },
        new JsonSerializerOptions { WriteIndented = true });
}
