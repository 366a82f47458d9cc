using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.Processes;

namespace Orchestrator.Chaos;

/// <summary>Faults of a node in its container, through the docker command line, as a person would cause them.</summary>
internal sealed class DockerNodeFaults(EnvironmentDefinition environment) : INodeFaults
{
    public async Task<string> KillAsync(string node)
    {
        var container = Container(node);
        await DockerAsync("kill", "--signal", "KILL", container);
        await ExpectAsync(container, "{{.State.Running}}", "false");
        return $"docker kill --signal KILL {container}: the container stopped";
    }

    public async Task<string> PauseAsync(string node)
    {
        var container = Container(node);
        await DockerAsync("pause", container);
        await ExpectAsync(container, "{{.State.Paused}}", "true");
        return $"docker pause {container}: the container is paused";
    }

    public async Task<string> ResumeAsync(string node)
    {
        var container = Container(node);
        var paused = await InspectAsync(container, "{{.State.Paused}}");
        if (paused != "true")
        {
            return $"{container} is not paused ({(paused.Length == 0 ? "gone" : "paused " + paused)})";
        }

        await DockerAsync("unpause", container);
        return $"docker unpause {container}";
    }

    public async Task<string> CutAsync(string node)
    {
        var container = Container(node);
        var network = DockerNames.Network(environment);
        await DockerAsync("network", "disconnect", network, container);
        await ExpectAsync(container, $"{{{{if index .NetworkSettings.Networks \"{network}\"}}}}connected{{{{else}}}}cut{{{{end}}}}", "cut");
        return $"docker network disconnect {network} {container}: the container has left the network";
    }

    private string Container(string node) => DockerNames.Container(environment, environment.Node(node));

    private static async Task DockerAsync(params string[] arguments) =>
        await ProcessRunner.RunCheckedAsync(new ProcessSpec("docker", arguments) { Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);

    private static async Task<string> InspectAsync(string container, string format) =>
        (await ProcessRunner.RunAsync(new ProcessSpec("docker", ["inspect", "--format", format, container]) { Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None)).StandardOutput.Trim();

    private static async Task ExpectAsync(string container, string format, string expected)
    {
        var seen = await InspectAsync(container, format);
        if (seen != expected)
        {
            throw new InvalidOperationException($"the fault did not take hold: docker inspect --format '{format}' {container} says '{seen}', not '{expected}'");
        }
    }
}
