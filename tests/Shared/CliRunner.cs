using Orchestrator.Cli;

namespace Orchestrator.TestSupport;

/// <summary>Runs the command line in-process, as a user would type it, capturing its plain-text output.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var writer = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, PlainConsole.Create(writer), CancellationToken.None);
        return (exitCode, writer.ToString());
    }
}
