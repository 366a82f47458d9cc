using System.CommandLine;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Topology;
using Spectre.Console;
using Orchestrator.Backups;
using Orchestrator.Composition;
using Orchestrator.Progress;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator status -e FILE [--json]</c>: every node's role, health and lag, as the servers report them.</summary>
internal static class StatusCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var shards = CommonOptions.Shards();
        var parallel = CommonOptions.Parallel();
        var json = CommonOptions.Json();
        var watch = new Option<bool>("--watch") { Description = "Keep showing the environment, read again every --interval: roles, lag with its recent trend, schema versions and connections. Ctrl+C ends it. Without a terminal, one line per node per refresh." };
        var interval = new Option<string>("--interval") { Description = $"How often --watch reads ({DurationText.Examples}).", DefaultValueFactory = _ => "2s" };
        var command = new Command(
            "status",
            "Show each node as its server reports it: role, reachability, version, where it replicates from, replication state and lag. " +
            "Exit 0 when every node is reachable and in the role the file gives it, 1 otherwise.")
        {
            environment,
            stateDir,
            shards,
            parallel,
            json,
            watch,
            interval,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!parse.GetValue(watch) && parse.GetResult(interval) is { Implicit: false })
            {
                console.Error("--interval sets how often --watch reads; add --watch, or leave --interval out");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(watch))
            {
                // A live view follows one primary and its replicas: in a sharded environment, one shard.
                return await EnvironmentArgument.RunAsync(
                    parse.GetValue(environment)!,
                    console,
                    async env =>
                    {
                        if (DurationText.Problem(parse.GetValue(interval)!, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), out var every) is { } problem)
                        {
                            console.Error($"--interval '{parse.GetValue(interval)}' {problem}");
                            return ExitCodes.BadInput;
                        }

                        if (parse.GetValue(json))
                        {
                            console.Error("--watch shows a live view; --json gives one snapshot. Choose one.");
                            return ExitCodes.BadInput;
                        }

                        return await new StatusWatch(console, CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance), every).RunAsync(cancellationToken);
                    },
                    parse.GetValue(shards));
            }

            // The shards share the environment's migrations: they load once, while the first shard's servers are asked.
            var gate = new Lock();
            Task<(MigrationProject? Project, string? Problem)>? migrations = null;
            try
            {
                return await ShardFanOut.RunAsync(parse.GetValue(environment)!, parse.GetValue(shards) ?? [], parse.GetValue(parallel), parse.GetValue(json), live: false, console, cancellationToken, async (env, console) =>
                {
                    lock (gate)
                    {
                        migrations ??= Task.Run(() => MigrationProject.TryLoadAsync(env, cancellationToken), cancellationToken);
                    }

                    var status = await StatusReader.ReadAsync(CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, SilentProgress.Instance), migrations, cancellationToken);
                    if (!parse.GetValue(json))
                    {
                        status = await StatusReader.ExplainHostsAsync(env, status, cancellationToken);
                    }

                    return Print(env, console, status);
                });
            }
            finally
            {
                if (migrations is { IsCompletedSuccessfully: true })
                {
                    (await migrations).Project?.Dispose();
                }
            }

            int Print(EnvironmentDefinition env, IAnsiConsole console, EnvironmentStatus status)
            {
                if (parse.GetValue(json))
                {
                    console.Profile.Width = int.MaxValue / 2;
                    console.WriteLine(StatusJson.Render(status));
                }
                else
                {
                    console.Write(env.DatabaseFile is not null ? FileTable(env, status) : StatusTable.Render(env, status, console.Profile.Width));
                    foreach (var note in status.Notes)
                    {
                        var label = note.Kind == StatusNoteKind.SplitBrain ? "[red]split brain:[/]" : "[yellow]note:[/]";
                        console.MarkupLine($"{label} {Markup.Escape(note.Text)}");
                    }
                }

                return status.Healthy ? ExitCodes.Ok : ExitCodes.Failed;
            }
        });
        return command;
    }

    /// <summary>A database file (SQLite): where it is, its size and journal mode, its schema version and pending migrations.</summary>
    private static Table FileTable(EnvironmentDefinition env, EnvironmentStatus status)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{env.Name} ({EngineNames.Display(env.Engine)} file)")
            .AddColumns("file", "readable", "size", "journal mode", "version", "schema", "pending", "last migration (UTC)");
        foreach (var node in status.Nodes)
        {
            table.AddRow(
                Markup.Escape(node.Endpoint),
                node.Reachable ? "[green]yes[/]" : $"[red]no[/] [grey]{Markup.Escape(node.Error ?? "")}[/]",
                node.File is { } file ? BackupVerification.Size(file.SizeBytes) : "",
                Markup.Escape(node.File?.JournalMode ?? ""),
                Markup.Escape(node.ServerVersion ?? ""),
                node.SchemaVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                node.PendingMigrations is { } pending ? (pending == 0 ? "[green]0[/]" : $"[yellow]{pending}[/]") : "",
                node.LastAppliedOn?.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        return table;
    }
}
