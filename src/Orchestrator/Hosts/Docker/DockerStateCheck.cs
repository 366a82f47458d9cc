using Docker.DotNet.Models;
using Orchestrator.Environments;
using Orchestrator.State;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// A docker environment's objects outlive its state directory: when the directory has no
/// passwords, the engine says whether the containers and volumes exist anyway, and where their
/// passwords went.
/// </summary>
internal static class DockerStateCheck
{
    /// <summary>
    /// Why the environment's containers and volumes cannot be used with <paramref name="state"/>,
    /// which holds no passwords: they were made with another state directory, or this one lost
    /// them. Null when Docker holds none of the environment's objects, or when the file gives
    /// every password and they were made with this state directory.
    /// </summary>
    public static async Task<string?> WithoutPasswordsAsync(EnvironmentDefinition environment, StateLayout state, CancellationToken cancellationToken)
    {
        using var docker = await DockerEngine.ConnectAsync(cancellationToken);
        var owned = DockerNames.Owned(environment);
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = owned }, cancellationToken);
        var volumes = (await docker.Volumes.ListAsync(new VolumesListParameters { Filters = owned }, cancellationToken)).Volumes ?? [];
        var states = containers.Select(c => c.Labels).Concat(volumes.Select(v => v.Labels))
            .Select(labels => labels is not null && labels.TryGetValue(DockerNames.StateLabel, out var root) ? root : null)
            .OfType<string>()
            .ToList();
        if (states.Count == 0)
        {
            return null;
        }

        var file = UserPath.Of(environment.FilePath);
        if (states.FirstOrDefault(root => root != state.Root) is { } elsewhere)
        {
            return $"the containers and volumes of environment '{environment.Name}' were made with the state directory {elsewhere}, which holds their passwords and recorded shape; run the command with --state-dir {elsewhere}";
        }

        // Passwords the file gives are the environment's: this state directory never had any.
        return CredentialStore.GivesAllPasswords(environment)
            ? null
            : $"environment '{environment.Name}' has {Counted.Of(containers.Count, "container")} and {Counted.Of(volumes.Count, "volume")} in Docker, but its state directory {state.Root} " +
              "has no passwords for them (secrets.json is gone: was the directory deleted?), so nothing can log in to their servers. " +
              $"Remove them with 'orchestrator down -e {file} --state-dir {state.Root} --purge' (their data is deleted), then run 'up'.";
    }
}
