using System.Text;
using Spectre.Console;

namespace Orchestrator.Cli;

/// <summary>Routes System.CommandLine's help text through the same console the commands write to.</summary>
internal sealed class AnsiTextWriter(IAnsiConsole console) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => console.Write(new Text(value.ToString()));

    public override void Write(string? value)
    {
        if (value is not null)
        {
            console.Write(new Text(value));
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        console.WriteLine();
    }
}
