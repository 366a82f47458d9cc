using System.Text.RegularExpressions;

namespace Orchestrator.Environments.Internal;

/// <summary>Resolves <c>${env:NAME}</c> and <c>${file:PATH}</c> references; never echoes a value.</summary>
internal static partial class SecretResolver
{
    [GeneratedRegex(@"^\$\{(?<kind>[a-z]+):(?<target>[^}]*)\}$")]
    private static partial Regex Reference();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    /// <summary>
    /// The longest password accepted: far above any real one, and short enough that every file it is
    /// written to (a MariaDB option file is read in 4096-byte lines) holds it whole, even escaped.
    /// </summary>
    public const int MaxLength = 1024;

    /// <summary>Returns the secret, or null with <paramref name="error"/> saying what to fix.</summary>
    public static Secret? Resolve(string text, string baseDirectory, Func<string, string?> environment, out string error)
    {
        error = "";
        var match = Reference().Match(text);
        if (!match.Success)
        {
            error = "passwords must be given by reference, as \"${env:NAME}\" or \"${file:PATH}\", never written into the file";
            return null;
        }

        var target = match.Groups["target"].Value;
        switch (match.Groups["kind"].Value)
        {
            case "env":
                if (!VariableName().IsMatch(target))
                {
                    error = $"'{target}' is not a valid environment variable name in {text}";
                    return null;
                }

                var value = environment(target);
                if (string.IsNullOrEmpty(value))
                {
                    error = $"environment variable '{target}' is not set or empty (export {target}=... before running, or use ${{file:PATH}})";
                    return null;
                }

                if (Unusable(value) is { } found)
                {
                    error = $"{text}: environment variable '{target}' holds {found}; a password is one line of at most {MaxLength} printable characters (export it without line breaks or other control characters)";
                    return null;
                }

                return new Secret(value, text);

            case "file":
                if (target.Length == 0)
                {
                    error = "${file:} needs a path, such as ${file:secrets/admin-password}";
                    return null;
                }

                var path = Path.GetFullPath(Path.Combine(baseDirectory, target));
                if (!File.Exists(path))
                {
                    error = $"secret file '{target}' does not exist (paths are relative to the environment file; create it, readable only by you: chmod 600)";
                    return null;
                }

                var content = WithoutFinalNewline(File.ReadAllText(path));
                if (content.Length == 0)
                {
                    error = $"secret file '{target}' is empty";
                    return null;
                }

                if (Unusable(content) is { } control)
                {
                    error = $"{text}: secret file '{target}' holds {control}; a password is one line of at most {MaxLength} printable characters, optionally ending in one newline (rewrite it as one line, for example: echo 'PASSWORD' > {target})";
                    return null;
                }

                return new Secret(content, text);

            default:
                error = $"unknown secret source '{match.Groups["kind"].Value}' in {text} (use ${{env:NAME}} or ${{file:PATH}})";
                return null;
        }
    }

    /// <summary>
    /// The file's text without one final "\n" or "\r\n": <c>echo pw &gt; file</c> writes the secret
    /// "pw" (the convention of Docker and Kubernetes secrets). Any other line break is kept, and refused.
    /// </summary>
    private static string WithoutFinalNewline(string content) =>
        content.EndsWith("\r\n", StringComparison.Ordinal) ? content[..^2]
        : content.EndsWith('\n') ? content[..^1]
        : content;

    /// <summary>
    /// What makes <paramref name="value"/> unusable as a password (its first control character, or its
    /// length), never the value itself; null when it is usable. A line break would split the secret:
    /// initdb --pwfile keeps only the first line, and a MariaDB option file would read the rest as
    /// options of its own.
    /// </summary>
    private static string? Unusable(string value)
    {
        if (value.Length > MaxLength)
        {
            return $"{value.Length} characters";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return c switch
                {
                    '\n' => "a line break",
                    '\r' => "a carriage return",
                    '\t' => "a tab",
                    _ => $"the control character U+{(int)c:X4}",
                };
            }
        }

        return null;
    }
}
