using System.CommandLine;
using FluentMigrator;
using Orchestrator.Migrations.Translation;
using Orchestrator.Processes;
using Orchestrator.Shards;
using Spectre.Console;
using Orchestrator.Environments;
using Orchestrator.Migrations;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator plan -e FILE [--to V]</c>: the pending migrations and their SQL; nothing is executed.</summary>
internal static class PlanCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var fleetOptions = new FleetOptions(rollout: false);
        var to = CommonOptions.To("Plan only up to this version (inclusive).");
        var json = CommonOptions.Json();
        var command = new Command(
            "plan",
            "Show the migrations that 'migrate' would apply on the primary, with their SQL as FluentMigrator's generator writes it for this database, " +
            "how each runs without blocking writers of existing tables (its online form) and what each statement locks and for how long, which are out of order or breaking changes, the maintenance and profile migrations that run every time, and statements that are risky on a replicated primary. Nothing is executed.")
        {
            to,
            json,
        };
        fleetOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => parse.GetValue(fleetOptions.Shards) is { Length: 1 } one
            ? await Single(parse, null, one, cancellationToken) // one shard: its plan in full
            : await FleetCommand.RunAsync(
                parse,
                fleetOptions,
                console,
                cancellationToken,
                single: environment => Single(parse, environment, null, cancellationToken),
                fleet: async (migrations, selected, bound) =>
                {
                    if (parse.GetValue(json))
                    {
                        console.Error("plan --json shows one database's plan: name a shard with --shard NAME");
                        return ExitCodes.BadInput;
                    }

                    return PrintFleet(console, await migrations.PlanAsync(selected, parse.GetValue(to), bound, cancellationToken));
                }));

        Task<int> Single(ParseResult parse, EnvironmentDefinition? loaded, string[]? shard, CancellationToken cancellationToken)
        {
            Func<EnvironmentDefinition, MigrationTarget, Task<int>> print = async (env, target) =>
            {
                var plan = await target.Runner.PlanAsync(target.Project, parse.GetValue(to), cancellationToken);
                if (parse.GetValue(json))
                {
                    console.WriteLine(PlanJson.Render(env, target, plan));
                    return ExitCodes.Ok;
                }

                console.MarkupLineInterpolated(
                    $"Plan for [bold]{env.Name}[/] on {target.Node.Name} ({target.Node.Endpoint}), database '{env.Database}', migrations {target.Project.AssemblyName}: {plan.Applied.Count} applied, {plan.Steps.Count} pending.");
                foreach (var step in plan.Steps)
                {
                    var marks = new List<string>();
                    if (step.OutOfOrder)
                    {
                        marks.Add("[yellow]out of order: older than the newest applied version[/]");
                    }

                    if (step.Migration.IsBreakingChange)
                    {
                        marks.Add("[red]breaking change: migrate needs --allow-breaking-changes[/]");
                    }

                    if (step.Translated.PreparedAtItsTurnBecause is { } because)
                    {
                        marks.Add($"[grey]prepared at its turn: it reads the database, which the migrations before it in this run change (read now: {Markup.Escape(because)})[/]");
                    }
                    else if (step.Translated.ReadsDatabase)
                    {
                        marks.Add("[grey]asks the database (Schema...Exists()): described again when its turn comes, so its SQL can differ from this[/]");
                    }

                    if (plan.InProgress.FirstOrDefault(p => p.Version == step.Migration.Version) is { } partly)
                    {
                        marks.Add($"[yellow]partly applied: {Markup.Escape(partly.Describe())}; migrate goes on after them[/]");
                    }

                    if (step.Migration.TransactionBehavior == TransactionBehavior.None)
                    {
                        marks.Add("[grey]no transaction[/]");
                    }

                    console.MarkupLineInterpolated($"\n[bold]{step.Migration.Version}[/] {step.Migration.Type.Name}: {step.Migration.Description}");
                    if (marks.Count > 0)
                    {
                        console.MarkupLine("  " + string.Join("; ", marks));
                    }

                    foreach (var change in step.Translated.OnlineChanges)
                    {
                        console.MarkupLineInterpolated($"  [{(change.Applied ? "green" : "yellow")}]online:[/] {change.Note}");
                    }

                    if (step.Translated.PreparedAtItsTurnBecause is null)
                    {
                        PrintSteps(console, step.Steps, step.Translated.Costs);
                    }

                    if (step.Translated.After.Count > 0)
                    {
                        console.MarkupLine("    [grey]-- after the transaction commits, one at a time (a rerun after a failure or a kill goes on here):[/]");
                        foreach (var after in step.Translated.After)
                        {
                            console.WriteLine($"    {after.Sql}; -- {after.Cost}");
                        }
                    }
                }

                foreach (var recurring in plan.Recurring)
                {
                    console.MarkupLineInterpolated($"\n[bold]{recurring.Migration.Name}[/] [grey](runs with every migrate; never recorded)[/]");
                    PrintSteps(console, recurring.Steps);
                }

                foreach (var warning in plan.Warnings)
                {
                    console.MarkupLineInterpolated($"[yellow]warning:[/] {warning.Migration.Name}: {warning.Problem}.\n         safer: {warning.SaferForm}");
                }

                foreach (var (migration, name) in plan.UnknownDatabaseNames)
                {
                    console.MarkupLineInterpolated($"[yellow]warning:[/] {migration.Name}: IfDatabase(\"{name}\") matches no database FluentMigrator knows, so its expressions never run anywhere");
                }

                foreach (var changed in plan.ChangedSinceApplied)
                {
                    console.MarkupLineInterpolated($"[yellow]warning:[/] applied migration {changed.Name} has changed since it was applied (its SQL no longer matches the recorded checksum)");
                }

                console.MarkupLine(plan.Steps.Count == 0 ? "\nThe database is up to date. Nothing was executed." : "\nNothing was executed.");
                return ExitCodes.Ok;
            };
            var stateDir = parse.GetValue(fleetOptions.StateDir);
            return loaded is not null
                ? EnvironmentArgument.RunWithMigrationsAsync(loaded, stateDir, console, cancellationToken, print, shard)
                : EnvironmentArgument.RunWithMigrationsAsync(parse.GetValue(fleetOptions.Environment)!, stateDir, console, cancellationToken, print, shard);
        }

        return command;
    }

    /// <summary>Each shard's version and pending count, and a warning when the shards sit at different versions.</summary>
    private static int PrintFleet(IAnsiConsole console, IReadOnlyList<ShardRun<ShardPlanResult>> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("shard", "version", "pending", "warnings");
        foreach (var run in runs)
        {
            var result = run.Result!;
            table.AddRow(
                Markup.Escape(run.Shard),
                run.State == ShardRunState.Succeeded ? FleetCommand.VersionText(result.Version) : "[red]could not be read[/]",
                run.State == ShardRunState.Succeeded ? result.Pending.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                result.Warnings > 0 ? $"[yellow]{result.Warnings}[/]" : "");
        }

        console.Write(table);
        var groups = FleetMigrations.VersionGroups(runs);
        if (groups.Count > 0)
        {
            console.MarkupLineInterpolated(
                $"[yellow]warning:[/] the shards sit at different versions: {string.Join("; ", groups.Select(g => $"{FleetCommand.VersionText(g.Version)}: {string.Join(", ", g.Shards)}"))}. 'migrate' brings each to the same version.");
        }

        var codes = new List<int>();
        foreach (var run in runs.Where(r => r.State != ShardRunState.Succeeded))
        {
            var failure = run.Result!.Failure!;
            var (code, message) = OperationErrors.Classify(failure) ?? (ExitCodes.Failed, $"unexpected {failure.GetType().Name}: {Redactor.Redact(failure.Message)}");
            codes.Add(code);
            console.Error($"shard {run.Shard}: {message}");
        }

        console.MarkupLine($"{Counted.Of(runs.Sum(r => r.Result!.Pending), "migration")} pending across {Counted.Of(runs.Count, "shard")}; nothing was executed. 'plan --shard NAME' shows a shard's SQL.");
        return codes.Count == 0 ? ExitCodes.Ok : ShardFanOut.ExitCode(codes);
    }

    /// <param name="costs">What each step costs the table it changes, where told (pending versioned migrations); else none.</param>
    private static void PrintSteps(IAnsiConsole console, IReadOnlyList<MigrationStep> steps, IReadOnlyList<StatementCost?>? costs = null)
    {
        if (steps.Count == 0)
        {
            console.MarkupLine("    [grey](no statements for this database)[/]");
        }

        foreach (var (index, step) in steps.Index())
        {
            var text = step is SqlStep && !step.Text.TrimEnd().EndsWith(';') ? $"{step.Text};" : step.Text;
            var cost = costs is { Count: > 0 } && index < costs.Count && step is not CodeStep
                ? $" -- {costs[index]?.ToString() ?? "cost unknown: SQL the tool does not read"}"
                : "";
            console.WriteLine($"    {text}{cost}");
        }
    }
}
