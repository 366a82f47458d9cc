using System.Text.RegularExpressions;

namespace Orchestrator.Environments.Internal;

/// <summary>Resolves <c>${env:NAME}</c> and <c>${file:PATH}</c> references; never echoes a value.</summary>
internal static partial class SecretResolver
{
    [GeneratedRegex(@"^\$\{(?<kind>[a-z]+):(?<target>[^}]*)\}$")]
    private static partial Regex Reference();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

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

                var content = File.ReadAllText(path).TrimEnd('\r', '\n');
                if (content.Length == 0)
                {
                    error = $"secret file '{target}' is empty";
                    return null;
                }

                return new Secret(content, text);

            default:
                error = $"unknown secret source '{match.Groups["kind"].Value}' in {text} (use ${{env:NAME}} or ${{file:PATH}})";
                return null;
        }
    }
}
