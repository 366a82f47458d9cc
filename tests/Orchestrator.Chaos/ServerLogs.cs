using System.Text;
using Orchestrator.Engines;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Hosts.Docker;
using Orchestrator.Hosts.Local;
using Orchestrator.Progress;

namespace Orchestrator.Chaos;

/// <summary>The end of every node's server log, read where the node runs, for a failed run's transcript.</summary>
internal static class ServerLogs
{
    private const int Lines = 60;

    // The sampler's refused probes fill a replica's log every 60 ms; read further back and leave them out.
    private const int ReadLines = 1500;

    public static Task<string> TailsAsync(ChaosEnvironment environment) => ReadAsync(environment, environment.Nodes);

    public static Task<string> TailAsync(ChaosEnvironment environment, string node) => ReadAsync(environment, [node]);

    private static async Task<string> ReadAsync(ChaosEnvironment environment, IReadOnlyList<string> nodes)
    {
        var text = new StringBuilder();
        try
        {
            var definition = environment.Definition;
            var server = EngineRegistry.For(definition.Engine).Descriptor.Server!;
            using INodeHosting hosting = definition.Provider == ProviderKind.Docker
                ? new DockerNodeHosting(definition, environment.State, server, SilentProgress.Instance)
                : new LocalNodeHosting(environment.State, await ServiceUser.ResolveAsync(server.OsUser, CancellationToken.None));
            var host = await hosting.OpenAsync(create: false, CancellationToken.None);
            foreach (var node in nodes.Select(definition.Node))
            {
                text.AppendLine($"server log of '{node.Name}', last {Lines} lines:");
                string tail;
                try
                {
                    var lines = (await host.LogTailAsync(node, ReadLines, CancellationToken.None)).Split('\n');
                    tail = string.Join('\n', lines.Where(l => !IsProbe(l)).TakeLast(Lines));
                }
                catch (Exception e) when (e is IOException or LocalProviderException or InvalidOperationException)
                {
                    tail = $"(not readable: {e.Message})";
                }

                foreach (var line in tail.TrimEnd().Split('\n'))
                {
                    text.Append("    ").AppendLine(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or LocalProviderException or InvalidOperationException)
        {
            text.AppendLine($"(the server logs could not be read: {e.Message})");
        }

        return text.ToString();
    }

    private static bool IsProbe(string line) =>
        line.Contains(ChaosEnvironment.ProbeTable, StringComparison.Ordinal)
        || line.Contains("cannot execute INSERT in a read-only transaction", StringComparison.Ordinal)
        || line.Contains("--read-only option", StringComparison.Ordinal);
}
