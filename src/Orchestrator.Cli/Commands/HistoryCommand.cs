using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator history -e FILE</c>: applied migrations with when, how long, from where, and whether their SQL changed since.</summary>
internal static class HistoryCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var stateDir = CommonOptions.StateDir();
        var command = new Command("history", "List the migrations applied on the primary (and those pending), with when, how long, from where, and whether their SQL changed since.")
        {
            environment,
            shard,
            stateDir,
        };
        command.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunWithMigrationsAsync(parse.GetValue(environment)!, parse.GetValue(stateDir), console, cancellationToken, async (env, target) =>
            {
                var plan = await target.Runner.PlanAsync(target.Project, null, cancellationToken);
                var changed = plan.ChangedSinceApplied.Select(m => m.Version).ToHashSet();
                var notComparable = plan.NotComparable.Select(m => m.Version).ToHashSet();
                var known = target.Project.Migrations.ToDictionary(m => m.Version);
                var table = new Table().Border(TableBorder.Rounded)
                    .Title($"{env.Name}: database '{env.Database}' on {target.Node.Name}")
                    .AddColumns("version", "description", "applied on (UTC)", "duration", "SQL since applied", "applied from");
                foreach (var applied in plan.Applied)
                {
                    var sql = applied.Checksum is null ? "[grey]not recorded[/]"
                        : !known.ContainsKey(applied.Version) ? "[yellow]migration not found[/]"
                        : changed.Contains(applied.Version) ? "[yellow]changed[/]"
                        : notComparable.Contains(applied.Version) ? "[grey]not compared (asks the database)[/]"
                        : "[green]unchanged[/]";
                    table.AddRow(
                        applied.Version.ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(applied.Description ?? ""),
                        applied.AppliedOn?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                        applied.DurationMs is { } ms ? $"{ms} ms" : "",
                        sql,
                        Markup.Escape(applied.AppliedFrom ?? ""));
                }

                foreach (var pending in plan.Steps)
                {
                    var state = plan.InProgress.FirstOrDefault(p => p.Version == pending.Migration.Version) is { } partly
                        ? (partly.TransactionCommitted ? "[yellow]partly applied: transaction committed, online statements remain[/]" : $"[yellow]partly applied: {partly.StatementsDone} of {pending.Steps.Count} statements[/]")
                        : "[grey]pending[/]";
                    table.AddRow(pending.Migration.Version.ToString(CultureInfo.InvariantCulture), Markup.Escape(pending.Migration.Description), state, "", "", "");
                }

                console.Write(table);
                return ExitCodes.Ok;
            },
            parse.GetValue(shard)));
        return command;
    }
}
