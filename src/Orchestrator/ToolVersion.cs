using System.Reflection;

namespace Orchestrator;

/// <summary>
/// The tool's version, as <c>--version</c> prints it and backup manifests record it: the library's
/// informational version, which Directory.Build.props sets for every project of the tool.
/// </summary>
internal static class ToolVersion
{
    public static string Text { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
