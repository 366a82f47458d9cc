using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>
/// A file named by reference, as <c>"${file:PATH}"</c> relative to the environment file: for
/// certificates and keys, which the drivers and client programs read themselves, so the tool
/// passes their path and never their text.
/// </summary>
internal static partial class FileReference
{
    [GeneratedRegex(@"^\$\{file:(?<path>[^}]+)\}$")]
    private static partial Regex Pattern();

    /// <summary>The full path and the path as written; null (reported at the line) when the value is not such a reference or names no file.</summary>
    public static (string Full, string Written)? Read(YamlNode node, YamlReader reader, string key, string what, string baseDirectory)
    {
        var text = node is YamlScalarNode scalar ? scalar.Value ?? "" : "";
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            reader.Error(node, $"{key} names {what} by reference, as \"${{file:PATH}}\" (relative to the environment file)");
            return null;
        }

        var written = match.Groups["path"].Value;
        var full = Path.GetFullPath(Path.Combine(baseDirectory, written));
        if (!File.Exists(full))
        {
            reader.Error(node, $"{key} file '{written}' does not exist (paths are relative to the environment file)");
            return null;
        }

        return (full, written);
    }
}
