using Orchestrator.Environments;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>Loads the environment named by -e and prints its problems the way every verb does.</summary>
internal static class EnvironmentArgument
{
    public static EnvironmentDefinition? Load(FileInfo file, IAnsiConsole console)
    {
        var result = EnvironmentLoader.Load(file.FullName);
        if (result.Succeeded)
        {
            return result.Environment;
        }

        PrintDiagnostics(result.Diagnostics, console);
        return null;
    }

    public static void PrintDiagnostics(IReadOnlyList<Diagnostic> diagnostics, IAnsiConsole console)
    {
        foreach (var diagnostic in diagnostics)
        {
            console.MarkupLineInterpolated($"[bold]{diagnostic.Location}[/]: [red]error:[/] {diagnostic.Message}");
        }

        var count = diagnostics.Count == 1 ? "1 problem" : $"{diagnostics.Count} problems";
        console.MarkupLineInterpolated($"[red]{count}[/] in {diagnostics[0].Location.File}; nothing was done.");
    }
}
