using System.CommandLine;
using Orchestrator.Cli.Commands;
using Orchestrator.Processes;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>Builds the command tree and runs it; returns the process exit code.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken)
    {
        // Named, not a RootCommand: that takes its name from the running executable (Orchestrator.Cli,
        // or dotnet's test host), while the command users type, and help shows, is orchestrator.
        var root = new Command(
            "orchestrator",
            "Orchestrator: bring up PostgreSQL and MariaDB primary/replica topologies from YAML environment files, " +
            "see their health, apply versioned C# migrations, back up and rehearse restores, and move the primary role (switchover, failover, rejoin).\n\nExit codes: 0 ok, 1 operation failed, 2 bad input.")
        {
            ValidateCommand.Create(console),
            UpCommand.Create(console),
            DownCommand.Create(console),
            StatusCommand.Create(console),
            StatsCommand.Create(console),
            MetricsCommand.Create(console),
            PlanCommand.Create(console),
            MigrateCommand.Create(console),
            RollbackCommand.Create(console),
            HistoryCommand.Create(console),
            DriftCommand.Create(console),
            BackupCommand.Create(console),
            RehearseCommand.Create(console),
            RestoreCommand.Create(console),
            SwitchoverCommand.Create(console),
            FailoverCommand.Create(console),
            RejoinCommand.Create(console),
            ReplicaCommand.Create(console),
            TlsCommand.Create(console),
        };
        root.Options.Add(new System.CommandLine.Help.HelpOption());
        root.Options.Add(new VersionOption { Action = new VersionAction() });

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.Error($"{error.Message}");
            }

            console.ErrorNote("Run 'orchestrator --help' for usage.");
            return ExitCodes.BadInput;
        }

        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = new AnsiTextWriter(console),
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            console.Errors().MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            return ReportUnexpected(console, args, e);
        }
    }

    /// <summary>
    /// A failure no command anticipated (a defect, or the machine refusing something): one line
    /// at the terminal, the detail in a file whoever reports it can attach.
    /// </summary>
    private static int ReportUnexpected(IAnsiConsole console, string[] args, Exception e)
    {
        var message = Redactor.Redact(e.Message);
        string where;
        try
        {
            var file = Path.Combine(Path.GetTempPath(), $"orchestrator-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt");
            File.WriteAllText(file, Redactor.Redact($"orchestrator {string.Join(' ', args)}\n{DateTimeOffset.UtcNow:O}\n\n{e}\n"));
            where = $"details in {file}";
        }
        catch (Exception writeFailure) when (writeFailure is IOException or UnauthorizedAccessException)
        {
            where = $"the details could not be written ({writeFailure.Message})";
        }

        console.Error($"unexpected {e.GetType().Name}: {message} ({where})");
        return ExitCodes.Failed;
    }
}
