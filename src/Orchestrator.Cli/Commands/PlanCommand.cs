using System.CommandLine;
using Orchestrator.Migrations;
using Orchestrator.Topology;
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
        var command = new Command("plan", "Show the migrations that 'migrate' would apply on the primary, with their SQL, and which are out of order. Nothing is executed.")
        {
            environment,
            stateDir,
            to,
        };
        command.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunWithMigrationsAsync(parse.GetValue(environment)!, parse.GetValue(stateDir), console, cancellationToken, async (env, target) =>
            {
                var plan = await target.Runner.PlanAsync(target.Migrations, parse.GetValue(to), cancellationToken);
                console.MarkupLineInterpolated($"Plan for [bold]{env.Name}[/] on {target.Node.Name} ({target.Node.Endpoint}), database '{env.Database}': {plan.Applied.Count} applied, {plan.Steps.Count} pending.");
                foreach (var step in plan.Steps)
                {
                    var order = step.OutOfOrder ? " [yellow](out of order: older than the newest applied version)[/]" : "";
                    var transaction = step.Migration.TransactionBehavior == TransactionBehavior.None ? " [grey](no transaction)[/]" : "";
                    console.MarkupLineInterpolated($"\n[bold]{step.Migration.Version}[/] {step.Migration.Type.Name}: {step.Migration.Description}");
                    console.Markup(order + transaction + (order.Length + transaction.Length > 0 ? "\n" : ""));
                    foreach (var statement in step.Statements)
                    {
                        console.WriteLine($"    {statement};");
                    }
                }

                foreach (var warning in plan.Warnings)
                {
                    console.MarkupLineInterpolated($"[yellow]warning:[/] {warning.Migration.Name}: {warning.Problem}.\n         safer: {warning.SaferForm}");
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
}
