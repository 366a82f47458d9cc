using System.CommandLine;
using Orchestrator.Migrations.Running;
using Spectre.Console;
using Orchestrator.Environments;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator migrate -e FILE [--to V] [--strict]</c>: applies pending migrations on the primary (on each shard's, for a sharded environment).</summary>
internal static class MigrateCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var fleetOptions = new FleetOptions(rollout: true);
        var to = CommonOptions.To("Apply only up to this version (inclusive).");
        var strict = new Option<bool>("--strict")
        {
            Description = "Fail, applying nothing, when an applied migration's SQL has changed since it was applied, or when a pending one is risky on a replicated primary (see 'plan').",
        };
        var allowBreaking = new Option<bool>("--allow-breaking-changes")
        {
            Description = "Apply migrations marked as breaking changes ([Migration(..., BreakingChange = true)]), which are refused otherwise, as FluentMigrator's runner does.",
        };
        var abandon = new Option<long?>("--abandon-online-copy")
        {
            Description = "Instead of migrating: remove the online table copy that migration VERSION has in progress (its shadow table and triggers), leaving the table exactly as it was. " +
                "A copy that was stopped (killed, failed, paused too long) otherwise goes on from its last chunk at the next migrate.",
            HelpName = "VERSION",
        };
        var command = new Command(
            "migrate",
            "Apply pending FluentMigrator migrations on the primary, in version order, each in its own transaction with its version row (where the engine allows), " +
            "with the maintenance and profile migrations at their stages, and wait until every replica has replayed each one. Concurrent runs wait for each other. " +
            "In a sharded environment, every shard (or each --shard) is migrated so, --parallel at a time, with a table of the version each reached; exit 1 when any failed.")
        {
            to,
            strict,
            allowBreaking,
            abandon,
        };
        fleetOptions.AddTo(command);
        MigrateOptions Options(ParseResult parse) => new() { To = parse.GetValue(to), Strict = parse.GetValue(strict), AllowBreakingChanges = parse.GetValue(allowBreaking) };
        command.SetAction(async (parse, cancellationToken) => await FleetCommand.RunAsync(
            parse,
            fleetOptions,
            console,
            cancellationToken,
            single: environment => Single(parse, environment, cancellationToken),
            fleet: (migrations, selected, bound) => parse.GetValue(abandon) is not null
                ? Task.FromResult(Refuse("--abandon-online-copy works on one database: give --shard"))
                : FleetCommand.RolloutAsync(
                parse, fleetOptions, bound, console, "applied", (rollout, finished) => migrations.MigrateAsync(selected, Options(parse), rollout, finished, cancellationToken))));

        Task<int> Single(ParseResult parse, EnvironmentDefinition environment, CancellationToken cancellationToken) =>
            EnvironmentArgument.RunWithMigrationsAsync(environment, parse.GetValue(fleetOptions.StateDir), console, cancellationToken, async (env, target) =>
            {
                if (parse.GetValue(abandon) is { } abandoned)
                {
                    var (tables, pending) = await target.Runner.AbandonOnlineCopyAsync(target.Project, abandoned, cancellationToken);
                    if (tables.Count == 0)
                    {
                        return Refuse($"migration {abandoned} has no online table copy in progress on {target.Node.Name}");
                    }

                    console.MarkupLineInterpolated($"[green]Removed the online copy of {string.Join(", ", tables)}[/] for migration {abandoned}: the table is as it was.");
                    console.WriteLine(pending
                        ? $"Migration {abandoned} is pending again; migrate would start its copy anew."
                        : $"Migration {abandoned}'s transaction stays committed; migrate would start its copy anew (or roll the rest back by hand).");
                    return ExitCodes.Ok;
                }

                var options = Options(parse);
                var outcome = await target.Runner.MigrateAsync(target.Project, options, cancellationToken);
                if (outcome.Ran.Count == 0)
                {
                    var meanwhile = outcome.AppliedElsewhere.Count > 0 ? $" ({Counted.Of(outcome.AppliedElsewhere.Count, "pending migration")} {(outcome.AppliedElsewhere.Count == 1 ? "was" : "were")} applied by another runner meanwhile)" : "";
                    console.MarkupLineInterpolated($"[green]Database '{env.Database}' on {target.Node.Name} is up to date; nothing was applied{meanwhile}.[/]");
                    return ExitCodes.Ok;
                }

                var total = outcome.Ran.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Elapsed);
                var version = outcome.Ran.Select(r => r.Step.Migration.Version).Concat(outcome.AppliedElsewhere.Select(m => m.Version)).Max();
                var elsewhere = outcome.AppliedElsewhere.Count > 0 ? $" ({outcome.AppliedElsewhere.Count} more applied by another runner meanwhile)" : "";
                console.MarkupLineInterpolated(
                    $"[green]Applied {Counted.Of(outcome.Ran.Count, "migration")}[/] on {target.Node.Name} in {total.TotalSeconds:0.00}s{elsewhere}; database '{env.Database}' is at version {version}.");
                ReplicaReport.Print(console, outcome.Replicas, outcome.Ran[^1].Step.Migration.Version);
                return ExitCodes.Ok;
            });
        return command;

        int Refuse(string message)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {message}");
            return ExitCodes.BadInput;
        }
    }
}
