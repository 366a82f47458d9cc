using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Orchestrator.Chaos;

/// <summary>What one run did, line by line with the time since it began: commands and their output, the fault, the checks. Written to a file when the run fails.</summary>
internal sealed class RunTranscript(Stopwatch clock)
{
    private const int MaxOutputLines = 150;

    private readonly StringBuilder _text = new();

    public void Note(string line)
    {
        lock (_text)
        {
            _text.Append(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,8:0.000}s] ").AppendLine(line);
        }
    }

    public void Command(CommandResult result)
    {
        var ending = result.Killed ? "killed with SIGKILL" : $"exit {result.ExitCode}";
        Note(string.Create(CultureInfo.InvariantCulture, $"$ orchestrator {result.Display}   ({ending} after {result.Duration.TotalSeconds:0.000}s, started at {result.StartedAt.TotalSeconds:0.000}s)"));
        Block("stdout", result.StandardOutput);
        Block("stderr", result.StandardError);
    }

    public void Block(string title, string text)
    {
        var lines = text.TrimEnd().Split('\n');
        if (lines is [""])
        {
            return;
        }

        lock (_text)
        {
            _text.AppendLine(CultureInfo.InvariantCulture, $"    --- {title} ---");
            foreach (var line in lines.Take(MaxOutputLines))
            {
                _text.Append("    ").AppendLine(line.TrimEnd('\r'));
            }

            if (lines.Length > MaxOutputLines)
            {
                _text.AppendLine(CultureInfo.InvariantCulture, $"    ... {lines.Length - MaxOutputLines} more lines");
            }
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
