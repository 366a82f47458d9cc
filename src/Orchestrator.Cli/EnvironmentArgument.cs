using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Shards;
using Spectre.Console;
using Orchestrator.Composition;

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

    /// <summary>
    /// Loads the environment and runs <paramref name="action"/> on it: exit 2 when the file is
    /// invalid, and the failures of the action mapped to exit codes by <see cref="OperationErrors"/>.
    /// </summary>
    /// <param name="shard">The --shard values: in a sharded environment, the one shard to act on.</param>
    public static async Task<int> RunAsync(FileInfo file, IAnsiConsole console, Func<EnvironmentDefinition, Task<int>> action, string[]? shard = null) =>
        Load(file, console) is { } environment ? await RunAsync(environment, console, action, shard) : ExitCodes.BadInput;

    /// <summary>As above, for a file the command loaded already.</summary>
    public static async Task<int> RunAsync(EnvironmentDefinition environment, IAnsiConsole console, Func<EnvironmentDefinition, Task<int>> action, string[]? shard = null)
    {
        try
        {
            environment = ShardSelection.One(environment, shard ?? []);
        }
        catch (ShardSelectionException e)
        {
            console.Error($"{e.Message}");
            return ExitCodes.BadInput;
        }

        return await OperationErrors.RunAsync(console, () => action(environment));
    }

    /// <summary>
    /// <see cref="RunAsync"/> for the migration verbs: the environment's migrations, loaded and
    /// checked, with a runner connected to the node that reports itself primary.
    /// </summary>
    public static async Task<int> RunWithMigrationsAsync(
        FileInfo file, DirectoryInfo? stateDir, IAnsiConsole console, CancellationToken cancellationToken, Func<EnvironmentDefinition, MigrationTarget, Task<int>> action, string[]? shard = null) =>
        Load(file, console) is { } environment
            ? await RunWithMigrationsAsync(environment, stateDir, console, cancellationToken, action, shard)
            : ExitCodes.BadInput;

    /// <summary>As above, for a file the command loaded already.</summary>
    public static Task<int> RunWithMigrationsAsync(
        EnvironmentDefinition loaded, DirectoryInfo? stateDir, IAnsiConsole console, CancellationToken cancellationToken, Func<EnvironmentDefinition, MigrationTarget, Task<int>> action, string[]? shard = null) =>
        RunAsync(
            loaded,
            console,
            async environment =>
            {
                await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(environment, stateDir?.FullName, new ConsoleProgress(console)), cancellationToken);
                return await action(environment, target);
            },
            shard);

    public static void PrintDiagnostics(IReadOnlyList<Diagnostic> diagnostics, IAnsiConsole console)
    {
        foreach (var diagnostic in diagnostics)
        {
            console.Errors().MarkupLineInterpolated($"[bold]{diagnostic.Location}[/]: [red]error:[/] {diagnostic.Message}");
        }

        var count = Counted.Of(diagnostics.Count, "problem");
        console.Errors().MarkupLineInterpolated($"[red]{count}[/] in {diagnostics[0].Location.File}; nothing was done.");
    }
}
