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

    public static async Task<string> TailsAsync(ChaosEnvironment environment)
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
            foreach (var node in definition.Nodes)
            {
                text.AppendLine($"server log of '{node.Name}', last {Lines} lines:");
                string tail;
                try
                {
                    tail = await host.LogTailAsync(node, Lines, CancellationToken.None);
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
}
