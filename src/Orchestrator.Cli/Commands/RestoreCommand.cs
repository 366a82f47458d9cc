using System.CommandLine;
using Orchestrator.Backups;
using Spectre.Console;
using Orchestrator.Composition;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator restore -e FILE --backup DIR [--i-understand-this-overwrites NAME]</c>.</summary>
internal static class RestoreCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var environment = CommonOptions.Environment();
        var shard = CommonOptions.OneShard();
        var stateDir = CommonOptions.StateDir();
        var backup = BackupOption();
        var confirm = new Option<string?>("--i-understand-this-overwrites")
        {
            Description = "Required to restore into an external environment: its name, confirming that its database is replaced.",
            HelpName = "NAME",
        };
        var target = new RecoveryTargetOptions();
        var command = new Command(
            "restore",
            "Replace the environment's database with a backup's, after checking every file against the manifest (a damaged backup is refused before anything changes). " +
            "A local or docker environment's primary is restored and its replicas rebuilt from it. " +
            "With --to-time, --to-position or --to-transaction (PostgreSQL with backup.archive), a physical backup is restored and the archived WAL after it replayed up to the target: " +
            "the archive is checked for gaps and damaged files first, and the first transaction after the target is proven absent.")
        {
            environment,
            shard,
            stateDir,
            backup,
            confirm,
        };
        target.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
            await EnvironmentArgument.RunAsync(parse.GetValue(environment)!, console, async env =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var (manifest, point) = await RestoreRunner.RunAsync(
                    CompositionRoot.Open(env, parse.GetValue(stateDir)?.FullName, new ConsoleProgress(console)), parse.GetValue(backup)!.FullName, parse.GetValue(confirm), cancellationToken, target.Read(parse));
                if (point is not null)
                {
                    RecoveryTargetOptions.Print(console, point);
                }

                console.MarkupLineInterpolated(
                    $"[green]Restored[/] {manifest.Environment}/{manifest.Node}'s backup of {manifest.TakenAt:u} into '{env.Database}' of {env.Name} in {clock.Elapsed.TotalSeconds:0.0}s (schema version {manifest.SchemaVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
                return ExitCodes.Ok;
            },
            parse.GetValue(shard)));
        return command;
    }

    public static Option<DirectoryInfo> BackupOption() => new("--backup")
    {
        Description = "A backup directory written by 'backup' (it holds manifest.json).",
        Required = true,
    };
}
