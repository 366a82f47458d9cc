using System.Text.RegularExpressions;

namespace Orchestrator.Monitoring;

/// <summary>Shell-style patterns for names: * any run of characters, ? one character (pure).</summary>
internal static class Glob
{
    public static bool Matches(string pattern, string name) =>
        Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
