using System.CommandLine;
using FluentMigrator;
using Orchestrator.Migrations.Running;
using Orchestrator.Migrations.Translation;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator plan -e FILE [--to V]</c>: the pending migrations and their SQL; nothing is executed.</summary>
internal static class PlanCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var stateDir = CommonOptions.StateDir();
        var to = CommonOptions.To("Plan only up to this version (inclusive).");
        var command = new Command(
            "plan",
            "Show the migrations that 'migrate' would apply on the primary, with their SQL as FluentMigrator's generator writes it for this database, " +
            "which are out of order or breaking changes, the maintenance and profile migrations that run every time, and statements that are risky on a replicated primary. Nothing is executed.")
        {
            environment,
            stateDir,
            to,
        };
        command.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunWithMigrationsAsync(parse.GetValue(environment)!, parse.GetValue(stateDir), console, cancellationToken, async (env, target) =>
            {
                var plan = await target.Runner.PlanAsync(target.Project, parse.GetValue(to), cancellationToken);
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

                    if (step.Migration.TransactionBehavior == TransactionBehavior.None)
                    {
                        marks.Add("[grey]no transaction[/]");
                    }

                    console.MarkupLineInterpolated($"\n[bold]{step.Migration.Version}[/] {step.Migration.Type.Name}: {step.Migration.Description}");
                    if (marks.Count > 0)
                    {
                        console.MarkupLine("  " + string.Join("; ", marks));
                    }

                    PrintSteps(console, step.Steps);
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
            }));
        return command;
    }

    private static void PrintSteps(IAnsiConsole console, IReadOnlyList<MigrationStep> steps)
    {
        if (steps.Count == 0)
        {
            console.MarkupLine("    [grey](no statements for this database)[/]");
        }

        foreach (var step in steps)
        {
            console.WriteLine(step is SqlStep && !step.Text.TrimEnd().EndsWith(';') ? $"    {step.Text};" : $"    {step.Text}");
        }
    }
}
