using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>A console without colours or cursor movement, for redirected output and tests.</summary>
public static class PlainConsole
{
    public static IAnsiConsole Create(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 1000;
        return console;
    }
}
