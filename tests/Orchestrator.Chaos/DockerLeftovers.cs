using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.Processes;

namespace Orchestrator.Chaos;

/// <summary>Removes by force what a failed `down --purge` left of a docker environment: its containers, volumes and network.</summary>
internal static class DockerLeftovers
{
    public static async Task RemoveAsync(EnvironmentDefinition environment)
    {
        foreach (var node in environment.Nodes)
        {
            await DockerAsync("rm", "-f", "-v", DockerNames.Container(environment, node));
            await DockerAsync("volume", "rm", "-f", DockerNames.Volume(environment, node));
        }

        await DockerAsync("network", "rm", DockerNames.Network(environment));
    }

    // Whatever is already gone is fine: this only makes sure nothing stays.
    private static Task DockerAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(new ProcessSpec("docker", arguments) { Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);
}
