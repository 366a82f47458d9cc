using Orchestrator.Processes;
using Orchestrator.Hosts;

namespace Orchestrator.Backups;

/// <summary>What each client program says of its version (some on stderr), for the backup manifest.</summary>
internal static class ToolVersions
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(params string[] programs)
    {
        var tools = new Dictionary<string, string>();
        foreach (var program in programs)
        {
            var result = await ProcessRunner.RunCheckedAsync(new ProcessSpec(program, ["--version"]), CancellationToken.None);
            tools[Path.GetFileName(program)] = (result.StandardOutput + result.StandardError).Trim();
        }

        return tools;
    }
}
