using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace Orchestrator.Environments.Internal;

/// <summary>
/// Where a YAML syntax error really is. YamlDotNet places some errors at the start of the enclosing
/// mapping or scalar (a tab in the indentation further down), at 1:1 (an alias of no anchor), or
/// nowhere at all (an unclosed [ or {, which its scanner fails on with an InvalidOperationException).
/// </summary>
internal static partial class YamlSyntaxErrors
{
    [GeneratedRegex("^The anchor '(?<name>[^']*)' does not exist")]
    private static partial Regex MissingAnchor();

    /// <summary>The line, column and message of a <see cref="YamlException"/> from parsing <paramref name="text"/>.</summary>
    public static (int Line, int Column, string Message) Locate(YamlException e, string text)
    {
        var message = TrimPosition(e.InnerException?.Message ?? e.Message);
        var lines = text.Split('\n');
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && IndentationTab(lines, (int)e.Start.Line) is { } tab)
        {
            return (tab.Line, tab.Column, "invalid YAML: a tab in the indentation; YAML indents with spaces only");
        }

        if (MissingAnchor().Match(message) is { Success: true } anchor && Find(lines, "*" + anchor.Groups["name"].Value) is { } alias)
        {
            return (alias.Line, alias.Column, $"invalid YAML: the alias *{anchor.Groups["name"].Value} refers to no anchor &{anchor.Groups["name"].Value} above it");
        }

        return ((int)e.Start.Line, (int)e.Start.Column, $"invalid YAML: {message}");
    }

    /// <summary>Where the [ or { that is never closed opens (YamlDotNet's scanner gives no position for it).</summary>
    public static (int Line, int Column, string Message) UnclosedCollection(string text)
    {
        // Brackets outside quotes and comments that begin a value (not the [ of a plain scalar such as a[1]).
        var open = new Stack<(int Line, int Column, char Bracket)>();
        var lines = text.Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            var quote = '\0';
            var previous = ' ';
            for (var c = 0; c < lines[l].Length; c++)
            {
                var ch = lines[l][c];
                if (quote == '"' && ch == '\\')
                {
                    c++;
                }
                else if (quote != '\0')
                {
                    quote = ch == quote ? '\0' : quote;
                }
                else if (ch is '"' or '\'' && previous is ' ' or ':' or '[' or '{' or ',')
                {
                    quote = ch;
                }
                else if (ch == '#' && previous == ' ')
                {
                    break;
                }
                else if (ch is '[' or '{' && (open.Count > 0 || previous is ' ' or ':' or '-' or ','))
                {
                    open.Push((l + 1, c + 1, ch));
                }
                else if (ch is ']' or '}' && open.Count > 0)
                {
                    open.Pop();
                }

                previous = ch;
            }
        }

        return open.Count > 0
            ? (open.Peek().Line, open.Peek().Column, $"invalid YAML: this {open.Peek().Bracket} is never closed with {(open.Peek().Bracket == '[' ? ']' : '}')}")
            : (1, 1, "invalid YAML: an unterminated [ ] or { } collection");
    }

    private static (int Line, int Column)? IndentationTab(string[] lines, int fromLine)
    {
        for (var l = Math.Max(fromLine, 1) - 1; l < lines.Length; l++)
        {
            var indentation = lines[l].Length - lines[l].TrimStart(' ', '\t').Length;
            var tab = lines[l].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indentation)
            {
                return (l + 1, tab + 1);
            }
        }

        return null;
    }

    private static (int Line, int Column)? Find(string[] lines, string word)
    {
        for (var l = 0; l < lines.Length; l++)
        {
            var at = lines[l].IndexOf(word, StringComparison.Ordinal);
            if (at >= 0)
            {
                return (l + 1, at + 1);
            }
        }

        return null;
    }

    private static string TrimPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we print our own position.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
    }
}
