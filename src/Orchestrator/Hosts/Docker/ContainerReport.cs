using Docker.DotNet;
using Orchestrator.Environments;

namespace Orchestrator.Hosts.Docker;

/// <summary>Why nodes of a docker environment do not answer, as far as their containers tell: for status, which only connects.</summary>
internal static class ContainerReport
{
    /// <summary>One note per node whose container is missing, stopped or paused; a note that the engine does not answer; nothing otherwise.</summary>
    public static async Task<IReadOnlyList<HostNote>> ExplainAsync(EnvironmentDefinition environment, IEnumerable<string> unreachable, CancellationToken cancellationToken)
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
            return [new HostNote(null, HostCondition.EngineUnreachable, e.Message)];
        }

        using (docker)
        {
            var notes = new List<HostNote>();
            foreach (var node in names.Select(environment.Node))
            {
                var container = DockerNames.Container(environment, node);
                HostCondition? condition;
                try
                {
                    var inspected = await docker.Containers.InspectContainerAsync(container, cancellationToken);
                    condition = inspected.State is { Paused: true } ? HostCondition.Paused
                        : inspected.State is { Running: true } ? null
                        : HostCondition.Stopped;
                }
                catch (DockerContainerNotFoundException)
                {
                    condition = HostCondition.Missing;
                }

                if (condition is { } found)
                {
                    notes.Add(new HostNote(node.Name, found, found switch
                    {
                        HostCondition.Paused => $"'{node.Name}': its container {container} is paused; 'docker unpause {container}' resumes it, or 'failover' replaces a paused primary",
                        HostCondition.Missing => $"'{node.Name}': its container {container} does not exist; 'up' creates it again (its data is on volume {DockerNames.Volume(environment, node)} unless purged)",
                        _ => $"'{node.Name}': its container {container} is stopped; 'up' starts it",
                    }));
                }
            }

            return notes;
        }
    }
}
