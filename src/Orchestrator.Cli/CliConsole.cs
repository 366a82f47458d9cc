using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Cli;

/// <summary>
/// The command line's two streams: what a command produces goes to standard output (tables,
/// JSON, progress), why it failed to standard error, so a script reading the output never reads
/// an error instead.
/// </summary>
public sealed class CliConsole(IAnsiConsole output, IAnsiConsole errors) : IAnsiConsole
{
    public IAnsiConsole Errors => errors;

    public Profile Profile => output.Profile;

    public IAnsiConsoleCursor Cursor => output.Cursor;

    public IAnsiConsoleInput Input => output.Input;

    public IExclusivityMode ExclusivityMode => output.ExclusivityMode;

    public RenderPipeline Pipeline => output.Pipeline;

    public void Clear(bool home) => output.Clear(home);

    public void Write(IRenderable renderable) => output.Write(renderable);
}

/// <summary>How every command reports a failure: "error: ..." and what follows it, on standard error when there is one.</summary>
public static class ErrorOutput
{
    /// <summary>The console errors go to: standard error for the command line, the same console otherwise (tests, a shard's block).</summary>
    public static IAnsiConsole Errors(this IAnsiConsole console) => console is CliConsole cli ? cli.Errors : console;

    public static void Error(this IAnsiConsole console, string message) => console.Errors().MarkupLine($"[red]error:[/] {Markup.Escape(message)}");

    /// <summary>A line that belongs with an error (what was or was not done, where to look).</summary>
    public static void ErrorNote(this IAnsiConsole console, string text) => console.Errors().MarkupLine(Markup.Escape(text));
}
