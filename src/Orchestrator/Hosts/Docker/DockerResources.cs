using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Servers;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// The engine objects of one docker environment, each checked to be this environment's before
/// it is used: its network (created on a free /24), the nodes' volumes, images and containers.
/// </summary>
internal sealed class DockerResources(DockerClient docker, EnvironmentDefinition environment, string stateRoot, ServerProgram server, ITopologyProgress progress)
{
    /// <summary>The subnet of the environment's network, or null when there is none yet.</summary>
    public async Task<string?> ExistingSubnetAsync(CancellationToken cancellationToken)
    {
        var name = DockerNames.Network(environment);
        // The engine's name filter matches parts of names: keep the exact one. Debian 12's engine
        // even accepts a second network of the same name, so a foreign one must be refused here.
        var network = (await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = NameFilter(name) }, cancellationToken)).FirstOrDefault(n => n.Name == name);
        if (network is null)
        {
            return null;
        }

        if (DockerNames.NotOurs(network.Labels, environment, stateRoot, "network", name) is { } refusal)
        {
            throw new LocalProviderException(refusal);
        }

        return network.IPAM?.Config?.FirstOrDefault()?.Subnet;
    }

    public async Task<string> CreateNetworkAsync(CancellationToken cancellationToken)
    {
        var name = DockerNames.Network(environment);
        foreach (var subnet in DockerAddresses.Candidates(environment.Name))
        {
            try
            {
                var addresses = DockerAddresses.For(environment, subnet);
                await docker.Networks.CreateNetworkAsync(
                    new NetworksCreateParameters
                    {
                        Name = name,
                        Driver = "bridge",
                        Labels = DockerNames.Labels(environment, stateRoot),
                        IPAM = new IPAM { Driver = "default", Config = [new IPAMConfig { Subnet = subnet, Gateway = addresses.Gateway, IPRange = addresses.DynamicRange }] },
                    },
                    cancellationToken);
                progress.Report(new ProgressEvent(environment.Name, $"created network {name} ({subnet})", ProgressKind.Info));
                return subnet;
            }
            catch (DockerApiException e) when (IsTaken(DockerErrors.Message(e)))
            {
                // Another network has this range, or an address in it: try the next one.
            }
        }

        throw new LocalProviderException($"no free /24 left in 10.213.0.0/16 for network {name}; remove unused Docker networks (docker network prune)");
    }

    /// <summary>The node's container when it exists and is this environment's; null when there is none; a refusal when it is someone else's.</summary>
    public async Task<ContainerInspectResponse?> ContainerAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var name = DockerNames.Container(environment, node);
        ContainerInspectResponse container;
        try
        {
            container = await docker.Containers.InspectContainerAsync(name, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }

        return DockerNames.NotOurs(container.Config?.Labels, environment, stateRoot, "container", name) is { } refusal
            ? throw new LocalProviderException(refusal)
            : container;
    }

    /// <summary>The node's volume, labelled (one the engine made on its own for the mount would not be, and a purge would leave it); true when it was created now.</summary>
    public async Task<bool> EnsureVolumeAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var name = DockerNames.Volume(environment, node);
        VolumeResponse volume;
        try
        {
            volume = await docker.Volumes.InspectAsync(name, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Driver = "local", Labels = DockerNames.Labels(environment, stateRoot, node) }, cancellationToken);
            return true;
        }

        return DockerNames.NotOurs(volume.Labels, environment, stateRoot, "volume", name) is { } refusal
            ? throw new LocalProviderException(refusal)
            : false;
    }

    /// <summary>The image on this machine, pulled when missing.</summary>
    public async Task EnsureImageAsync(string image, string nodeName, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.InspectImageAsync(image, cancellationToken);
            return;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Not here: pull it below.
        }

        try
        {
            await progress.StepAsync(nodeName, $"pull image {image}", () =>
                docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image }, null, new Progress<JSONMessage>(), cancellationToken));
        }
        catch (DockerApiException e)
        {
            throw new LocalProviderException(
                $"image {image} of node '{nodeName}' is not on this machine and could not be pulled: {DockerErrors.Message(e)}. " +
                $"Pull or build it (scripts/setup.sh builds orchestrator/{EnvironmentLoader.DefaultImage(environment.Engine)}), or set 'image' in the environment file.");
        }
    }

    public CreateContainerParameters Definition(NodeDefinition node, DockerAddresses addresses)
    {
        var port = $"{server.ContainerPort}/tcp";
        var network = DockerNames.Network(environment);
        return new CreateContainerParameters
        {
            Name = DockerNames.Container(environment, node),
            Hostname = node.Name,
            Image = node.Image ?? throw new InvalidOperationException($"node '{node.Name}' of a docker environment has no image"),
            Labels = DockerNames.Labels(environment, stateRoot, node),

            // Idle until the tool starts the server in it; the init reaps what the server leaves.
            Entrypoint = ["sleep"],
            Cmd = ["infinity"],
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            HostConfig = new HostConfig
            {
                Init = true,
                NetworkMode = network,
                Mounts =
                [
                    new Mount { Type = "volume", Source = DockerNames.Volume(environment, node), Target = DockerNames.MountPoint },
                    new Mount { Type = "bind", Source = DockerNames.SocketDirOnHost(stateRoot, node), Target = DockerNames.SocketMountPoint },
                    .. ArchiveMount(environment) is { } archive ? [archive] : Array.Empty<Mount>(),
                ],

                // An address, never a name: "localhost" would publish on every interface.
                PortBindings = new Dictionary<string, IList<PortBinding>> { [port] = [new PortBinding { HostIP = PublishedAddress(node), HostPort = node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }] },
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [network] = new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = addresses.Nodes[node.Name] }, Aliases = [node.Name] },
                },
            },
        };
    }

    /// <summary>
    /// The archive folder, at the same path as on this machine: the archive command the servers
    /// run, the restore command of a replay and this machine's pg_waldump then name the same
    /// files. Read-only for a node that only replays from it. Null without an archive.
    /// </summary>
    public static Mount? ArchiveMount(EnvironmentDefinition environment) =>
        environment.Archive is { } archive ? new Mount { Type = "bind", Source = archive.Directory, Target = archive.Directory }
        : environment.ReplaysArchive is { } replayed ? new Mount { Type = "bind", Source = replayed, Target = replayed, ReadOnly = true }
        : null;

    public static string PublishedAddress(NodeDefinition node) => node.Host == "localhost" ? "127.0.0.1" : node.Host;

    private static bool IsTaken(string message) =>
        message.Contains("overlap", StringComparison.OrdinalIgnoreCase)
        || message.Contains("already in use", StringComparison.OrdinalIgnoreCase)
        || message.Contains("failed to allocate", StringComparison.OrdinalIgnoreCase);

    private static IDictionary<string, IDictionary<string, bool>> NameFilter(string name) =>
        new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } };
}
