using Orchestrator.Data;
using Orchestrator.Local;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Processes;
using Orchestrator.Topology;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>Turns the failures of an operation into a message and an exit code; secrets are redacted.</summary>
internal static class OperationErrors
{
    public static async Task<int> RunAsync(IAnsiConsole console, Func<Task<int>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is ExternalEnvironmentException or MigrationDefinitionException or Drift.IncomparableEnvironmentsException or Backups.BackupRefusedException or StateDirectoryConflictException or Monitoring.StatsRequestException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            console.MarkupLine("Nothing was changed.");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is MigrationFailedException or ChecksumMismatchException or ReplicationLagException or ReplicationSafetyException or Backups.BackupInvalidException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {Redactor.Redact(e.Message)}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is LocalProviderException or ProcessFailedException or DatabaseException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {Redactor.Redact(e.Message)}");
            return ExitCodes.Failed;
        }
    }
}
