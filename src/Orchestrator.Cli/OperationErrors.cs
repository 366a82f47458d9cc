using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Drift;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Monitoring;
using Orchestrator.Processes;
using Orchestrator.Shards;
using Orchestrator.State;
using Spectre.Console;
using Orchestrator.Replication;

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
        catch (Exception e) when (Classify(e) is { } known)
        {
            console.Error($"{known.Message}");
            if (known.Code == ExitCodes.BadInput)
            {
                console.ErrorNote("Nothing was changed.");
            }

            return known.Code;
        }
    }

    /// <summary>The exit code and message of a failure the tool anticipates; null for anything else (a defect).</summary>
    public static (int Code, string Message)? Classify(Exception e) => e switch
    {
        ExternalEnvironmentException or MigrationDefinitionException or IncomparableEnvironmentsException or BackupRefusedException
            or StateDirectoryConflictException or StatsRequestException or ShardSelectionException or MissingPasswordException
            or ChecksumMismatchException or ReplicationSafetyException or TlsRequestException => (ExitCodes.BadInput, e.Message),
        MigrationFailedException or ReplicationLagException or BackupInvalidException
            or LocalProviderException or ProcessFailedException or DatabaseException => (ExitCodes.Failed, Redactor.Redact(e.Message)),
        _ => null,
    };
}
