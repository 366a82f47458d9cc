using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Local;
using Orchestrator.Topology;

namespace Orchestrator.Docker;

/// <summary>
/// The docker provider: one container per node (kept running after the command exits, idle
/// until the tool starts the server in it), its data on a named volume that outlives the
/// container, all on a network of the environment's own, with each node's port published on
/// the address of the environment file. Only what carries the tool's labels is touched.
/// </summary>
public sealed class DockerNodeHosting(EnvironmentDefinition environment, StateLayout state, IEngine engine, ITopologyProgress progress) : INodeHosting
{
    private DockerClient? _docker;
    private DockerAddresses? _addresses;

    private DockerClient Docker => _docker ?? throw new InvalidOperationException("OpenAsync must run first");

    public async Task<INodeHost> OpenAsync(bool create, CancellationToken cancellationToken)
    {
        _docker ??= await DockerEngine.ConnectAsync(cancellationToken);
        var subnet = await ExistingSubnetAsync(cancellationToken);
        if (create)
        {
            subnet ??= await CreateNetworkAsync(cancellationToken);
            DockerNetworkRecord.Save(state, subnet);
            _addresses = DockerAddresses.For(environment, subnet);

            // A fenced node's container stays stopped until it is rejoined or rebuilt.
            await Task.WhenAll(environment.Nodes.Where(n => !n.Fenced).Select(node => EnsureRunningAsync(node, _addresses, cancellationToken)));
            return new ContainerNodeHost(Docker, environment, _addresses, engine.DefaultServiceUser, engine.ContainerPort);
        }

        _addresses = DockerAddresses.For(environment, subnet ?? DockerAddresses.Candidates(environment.Name).First());
        return new ContainerNodeHost(Docker, environment, _addresses, engine.DefaultServiceUser, engine.ContainerPort);
    }

    public Task StartAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        EnsureRunningAsync(node, _addresses ?? throw new InvalidOperationException("OpenAsync must run first"), cancellationToken);

    public async Task FenceAsync(NodeDefinition node, Func<Task> engineFence, CancellationToken cancellationToken)
    {
        var name = DockerNames.Container(environment, node);
        if (await InspectAsync(node, cancellationToken) is { State.Running: true })
        {
            // SIGKILL reaches a paused container too: nothing of the old primary runs on, frozen or not.
            await Docker.Containers.KillContainerAsync(name, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken);
            await Poll.UntilAsync(
                async () => await InspectAsync(node, cancellationToken) is not { State.Running: true },
                TimeSpan.FromSeconds(30),
                () => $"container {name} of node '{node.Name}' did not stop after SIGKILL",
                cancellationToken);
        }
    }

    public async Task<bool> IsUpAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        await InspectAsync(node, cancellationToken) is { State: { Running: true, Paused: false } };

    public async Task StopAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await InspectAsync(node, cancellationToken) is { State.Running: true })
        {
            await progress.StepAsync(node.Name, $"stop container {DockerNames.Container(environment, node)}", () =>
                Docker.Containers.StopContainerAsync(DockerNames.Container(environment, node), new ContainerStopParameters { WaitBeforeKillSeconds = 30 }, cancellationToken));
        }
    }

    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        _docker ??= await DockerEngine.ConnectAsync(cancellationToken);
        var owned = DockerNames.Owned(environment);
        foreach (var container in await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = owned }, cancellationToken))
        {
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
            progress.Report(new ProgressEvent(container.Labels.TryGetValue(DockerNames.NodeLabel, out var node) ? node : environment.Name, $"removed container {container.Names.FirstOrDefault()?.TrimStart('/')}", ProgressKind.Info));
        }

        foreach (var volume in (await Docker.Volumes.ListAsync(new VolumesListParameters { Filters = owned }, cancellationToken)).Volumes ?? [])
        {
            await Docker.Volumes.RemoveAsync(volume.Name, force: false, cancellationToken);
            progress.Report(new ProgressEvent(volume.Labels.TryGetValue(DockerNames.NodeLabel, out var node) ? node : environment.Name, $"removed its data (volume {volume.Name})", ProgressKind.Info));
        }

        foreach (var network in await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = owned }, cancellationToken))
        {
            await Docker.Networks.DeleteNetworkAsync(network.ID, cancellationToken);
        }
    }

    public void Dispose() => _docker?.Dispose();

    private async Task<string?> ExistingSubnetAsync(CancellationToken cancellationToken)
    {
        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = DockerNames.Owned(environment) }, cancellationToken);
        return networks.FirstOrDefault(n => n.Name == DockerNames.Network(environment))?.IPAM?.Config?.FirstOrDefault()?.Subnet;
    }

    private async Task<string> CreateNetworkAsync(CancellationToken cancellationToken)
    {
        var name = DockerNames.Network(environment);
        foreach (var subnet in DockerAddresses.Candidates(environment.Name))
        {
            try
            {
                var addresses = DockerAddresses.For(environment, subnet);
                await Docker.Networks.CreateNetworkAsync(
                    new NetworksCreateParameters
                    {
                        Name = name,
                        Driver = "bridge",
                        Labels = DockerNames.Labels(environment),
                        IPAM = new IPAM { Driver = "default", Config = [new IPAMConfig { Subnet = subnet, Gateway = addresses.Gateway, IPRange = addresses.DynamicRange }] },
                    },
                    cancellationToken);
                progress.Report(new ProgressEvent(environment.Name, $"created network {name} ({subnet})", ProgressKind.Info));
                return subnet;
            }
            catch (DockerApiException e) when (DockerErrors.Message(e).Contains("overlap", StringComparison.OrdinalIgnoreCase))
            {
                // Another network has this range: try the next one.
            }
            catch (DockerApiException e) when (DockerErrors.Message(e).Contains("already exists", StringComparison.OrdinalIgnoreCase))
            {
                throw new LocalProviderException($"a Docker network named {name} exists but was not created by this tool (it lacks the label {DockerNames.ManagedLabel}); remove or rename it");
            }
        }

        throw new LocalProviderException($"no free /24 left in 10.213.0.0/16 for network {name}; remove unused Docker networks (docker network prune)");
    }

    private async Task EnsureRunningAsync(NodeDefinition node, DockerAddresses addresses, CancellationToken cancellationToken)
    {
        var name = DockerNames.Container(environment, node);
        var existing = await InspectAsync(node, cancellationToken);
        if (existing is not null && (existing.Config?.Labels is not { } labels || !labels.TryGetValue(DockerNames.ManagedLabel, out var managed) || managed != "true"))
        {
            throw new LocalProviderException($"a container named {name} exists but was not created by this tool (it lacks the label {DockerNames.ManagedLabel}); remove or rename it");
        }

        if (existing is { State.Paused: true })
        {
            throw new LocalProviderException($"container {name} of node '{node.Name}' is paused; run 'docker unpause {name}' first");
        }

        if (existing is { State.Running: true })
        {
            return;
        }

        try
        {
            if (existing is null)
            {
                await EnsureImageAsync(node, cancellationToken);
                await EnsureVolumeAsync(node, cancellationToken);
                await progress.StepAsync(node.Name, $"create container {name} ({node.Image}, {addresses.Nodes[node.Name]}, published on {node.Endpoint})", () =>
                    Docker.Containers.CreateContainerAsync(Definition(node, addresses), cancellationToken));
            }

            await progress.StepAsync(node.Name, $"start container {name}", () => Docker.Containers.StartContainerAsync(name, new ContainerStartParameters(), cancellationToken));
        }
        catch (DockerApiException e)
        {
            var message = DockerErrors.Message(e);
            var hint = message.Contains("port is already allocated", StringComparison.OrdinalIgnoreCase) || message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                ? $" Another program holds {node.Endpoint}: stop it, or give the node another port."
                : "";
            throw new LocalProviderException($"cannot start container {name} of node '{node.Name}': {message}.{hint}");
        }
    }

    private CreateContainerParameters Definition(NodeDefinition node, DockerAddresses addresses)
    {
        var port = $"{engine.ContainerPort}/tcp";
        var network = DockerNames.Network(environment);
        return new CreateContainerParameters
        {
            Name = DockerNames.Container(environment, node),
            Hostname = node.Name,
            Image = Image(node),
            Labels = DockerNames.Labels(environment, node),

            // Idle until the tool starts the server in it; the init reaps what the server leaves.
            Entrypoint = ["sleep"],
            Cmd = ["infinity"],
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            HostConfig = new HostConfig
            {
                Init = true,
                NetworkMode = network,
                Mounts = [new Mount { Type = "volume", Source = DockerNames.Volume(environment, node), Target = DockerNames.MountPoint }],
                PortBindings = new Dictionary<string, IList<PortBinding>> { [port] = [new PortBinding { HostIP = node.Host, HostPort = node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }] },
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

    /// <summary>The node's volume, labelled (one the engine made on its own for the mount would not be, and a purge would leave it).</summary>
    private async Task EnsureVolumeAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var name = DockerNames.Volume(environment, node);
        VolumeResponse volume;
        try
        {
            volume = await Docker.Volumes.InspectAsync(name, cancellationToken);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await Docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Driver = "local", Labels = DockerNames.Labels(environment, node) }, cancellationToken);
            return;
        }

        if (volume.Labels is null || !volume.Labels.TryGetValue(DockerNames.ManagedLabel, out var managed) || managed != "true")
        {
            throw new LocalProviderException($"a Docker volume named {name} exists but was not created by this tool (it lacks the label {DockerNames.ManagedLabel}); remove or rename it");
        }
    }

    private async Task EnsureImageAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        try
        {
            await Docker.Images.InspectImageAsync(Image(node), cancellationToken);
            return;
        }
        catch (DockerImageNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }

        try
        {
            await progress.StepAsync(node.Name, $"pull image {node.Image}", () =>
                Docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = node.Image }, null, new Progress<JSONMessage>(), cancellationToken));
        }
        catch (DockerApiException e)
        {
            throw new LocalProviderException(
                $"image {node.Image} of node '{node.Name}' is not on this machine and could not be pulled: {DockerErrors.Message(e)}. " +
                "Pull or build it (scripts/setup.sh builds orchestrator/postgres:15), or set 'image' in the environment file.");
        }
    }

    private static string Image(NodeDefinition node) => node.Image ?? throw new InvalidOperationException($"node '{node.Name}' of a docker environment has no image");

    private async Task<ContainerInspectResponse?> InspectAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        try
        {
            return await Docker.Containers.InspectContainerAsync(DockerNames.Container(environment, node), cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }
}
