using Orchestrator.Data;
using Orchestrator.Local;
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
        catch (ExternalEnvironmentException e)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is LocalProviderException or ProcessFailedException or DatabaseException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {Redactor.Redact(e.Message)}");
            return ExitCodes.Failed;
        }
    }
}
