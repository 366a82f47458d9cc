using Docker.DotNet;
using Orchestrator.Environments;
using Orchestrator.Local;

namespace Orchestrator.Docker;

/// <summary>Why nodes of a docker environment do not answer, as far as their containers tell: for status, which only connects.</summary>
internal static class ContainerReport
{
    /// <summary>One note per node whose container is missing, stopped or paused; a note that the engine does not answer; nothing otherwise.</summary>
    public static async Task<IReadOnlyList<string>> ExplainAsync(EnvironmentDefinition environment, IEnumerable<string> unreachable, CancellationToken cancellationToken)
    {
        var names = unreachable.ToList();
        if (environment.Provider != ProviderKind.Docker || names.Count == 0)
        {
            return [];
        }

        DockerClient docker;
        try
        {
            docker = await DockerEngine.ConnectAsync(cancellationToken);
        }
        catch (LocalProviderException e)
        {
            return [e.Message];
        }

        using (docker)
        {
            var notes = new List<string>();
            foreach (var node in names.Select(environment.Node))
            {
                var container = DockerNames.Container(environment, node);
                string? state;
                try
                {
                    var inspected = await docker.Containers.InspectContainerAsync(container, cancellationToken);
                    state = inspected.State is { Paused: true } ? "paused"
                        : inspected.State is { Running: true } ? null
                        : "stopped";
                }
                catch (DockerContainerNotFoundException)
                {
                    state = "missing";
                }

                if (state is not null)
                {
                    notes.Add(state switch
                    {
                        "paused" => $"'{node.Name}': its container {container} is paused; 'docker unpause {container}' resumes it, or 'failover' replaces a paused primary",
                        "missing" => $"'{node.Name}': its container {container} does not exist; 'up' creates it again (its data is on volume {DockerNames.Volume(environment, node)} unless purged)",
                        _ => $"'{node.Name}': its container {container} is stopped; 'up' starts it",
                    });
                }
            }

            return notes;
        }
    }
}
