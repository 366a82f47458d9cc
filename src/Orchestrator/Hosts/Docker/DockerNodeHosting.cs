using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Hosts.Local;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// The docker provider: one container per node (kept running after the command exits, idle
/// until the tool starts the server in it), its data on a named volume that outlives the
/// container, all on a network of the environment's own, with each node's port published on
/// the address of the environment file. Only what carries this environment's labels is touched.
/// </summary>
internal sealed class DockerNodeHosting(EnvironmentDefinition environment, StateLayout state, ServerProgram server, ITopologyProgress progress) : INodeHosting
{
    private DockerClient? _docker;
    private DockerResources? _resources;
    private DockerAddresses? _addresses;
    private ContainerNodeHost? _host;

    /// <summary>Nodes whose volume this run created: nothing is initialised on them, and no exec needs to ask.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _freshNodes = new(StringComparer.Ordinal);

    private DockerClient Docker => _docker ?? throw new InvalidOperationException("OpenAsync must run first");

    private DockerResources Resources => _resources ?? throw new InvalidOperationException("OpenAsync must run first");

    public async Task<INodeHost> OpenAsync(bool create, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        var subnet = await Resources.ExistingSubnetAsync(cancellationToken);
        if (create)
        {
            // A fenced node's container stays stopped until it is rejoined or rebuilt.
            var running = environment.Nodes.Where(n => !n.Fenced).ToList();
            await CheckBeforeCreatingAsync(running, cancellationToken);
            subnet ??= await Resources.CreateNetworkAsync(cancellationToken);
            DockerNetworkRecord.Save(state, subnet);
            Open(subnet);
            await Task.WhenAll(running.Select(node => EnsureRunningAsync(node, cancellationToken)));
        }
        else
        {
            Open(subnet ?? DockerAddresses.Candidates(environment.Name).First());
        }

        return _host!;
    }

    public Task StartAsync(NodeDefinition node, CancellationToken cancellationToken) => EnsureRunningAsync(node, cancellationToken);

    public async Task FenceAsync(NodeDefinition node, Func<Task> engineFence, Func<Task> writeFence, CancellationToken cancellationToken)
    {
        var name = DockerNames.Container(environment, node);
        if (await Resources.ContainerAsync(node, cancellationToken) is { State.Running: true })
        {
            // SIGKILL reaches a paused container too: nothing of the old primary runs on, frozen or not.
            await Docker.Containers.KillContainerAsync(name, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken);
            await Poll.UntilAsync(
                async () => await Resources.ContainerAsync(node, cancellationToken) is not { State.Running: true },
                TimeSpan.FromSeconds(30),
                () => $"container {name} of node '{node.Name}' did not stop after SIGKILL",
                cancellationToken);
        }

        // The killed container's volume keeps the node's files: a start by hand (docker start,
        // then the server) must find them refusing writes, as a local node's do. The archive
        // API writes into a stopped container.
        await writeFence();
    }

    public async Task<bool> IsUpAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        await OursOrNoneAsync(node, cancellationToken) is { State: { Running: true, Paused: false } };

    public async Task<bool> IsFrozenAsync(NodeDefinition node, CancellationToken cancellationToken) =>
        await OursOrNoneAsync(node, cancellationToken) is { State.Paused: true };

    public async Task StopAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        if (await OursOrNoneAsync(node, cancellationToken) is { State.Running: true })
        {
            await progress.StepAsync(node.Name, $"stop container {DockerNames.Container(environment, node)}", () =>
                Docker.Containers.StopContainerAsync(DockerNames.Container(environment, node), new ContainerStopParameters { WaitBeforeKillSeconds = 30 }, cancellationToken));
        }
    }

    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        var owned = DockerNames.Owned(environment);
        bool Ours(IDictionary<string, string>? labels) => DockerNames.NotOurs(labels, environment, state.Root, "object", "") is null;
        foreach (var container in (await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = owned }, cancellationToken)).Where(c => Ours(c.Labels)))
        {
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
            progress.Report(new ProgressEvent(container.Labels.TryGetValue(DockerNames.NodeLabel, out var node) ? node : environment.Name, $"removed container {container.Names.FirstOrDefault()?.TrimStart('/')}", ProgressKind.Info));
        }

        foreach (var volume in ((await Docker.Volumes.ListAsync(new VolumesListParameters { Filters = owned }, cancellationToken)).Volumes ?? []).Where(v => Ours(v.Labels)))
        {
            await Docker.Volumes.RemoveAsync(volume.Name, force: false, cancellationToken);
            progress.Report(new ProgressEvent(volume.Labels.TryGetValue(DockerNames.NodeLabel, out var node) ? node : environment.Name, $"removed its data (volume {volume.Name})", ProgressKind.Info));
        }

        foreach (var network in (await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = owned }, cancellationToken)).Where(n => Ours(n.Labels)))
        {
            await Docker.Networks.DeleteNetworkAsync(network.ID, cancellationToken);
        }
    }

    public void Dispose() => _docker?.Dispose();

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _docker ??= await DockerEngine.ConnectAsync(cancellationToken);
        _resources ??= new DockerResources(_docker, environment, state.Root, server, progress);
    }

    /// <summary>Someone else's container of the same name is none of ours: left alone, and said so.</summary>
    private async Task<ContainerInspectResponse?> OursOrNoneAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        try
        {
            return await Resources.ContainerAsync(node, cancellationToken);
        }
        catch (LocalProviderException e)
        {
            progress.Report(new ProgressEvent(node.Name, $"{e.Message}; left as it is", ProgressKind.Info));
            return null;
        }
    }

    /// <summary>
    /// Before anything is created: every existing container and volume is this environment's,
    /// the new containers' ports are free and their images are here (pulled one at a time).
    /// </summary>
    private async Task CheckBeforeCreatingAsync(IReadOnlyList<NodeDefinition> nodes, CancellationToken cancellationToken)
    {
        var missing = new List<NodeDefinition>();
        foreach (var node in nodes)
        {
            if (await Resources.ContainerAsync(node, cancellationToken) is { } existing)
            {
                if (existing.Config?.Image is { } image && image != node.Image)
                {
                    progress.Report(new ProgressEvent(node.Name, $"its container runs image {image}, not {node.Image} as the file says; the container is kept (its data is on volume {DockerNames.Volume(environment, node)})", ProgressKind.Info));
                }

                continue;
            }

            missing.Add(node);
            if (PortProbe.Taken(DockerResources.PublishedAddress(node), node.Port) is { } taken)
            {
                throw new LocalProviderException($"cannot start node '{node.Name}': {taken}. Stop it, or give the node another port.");
            }
        }

        foreach (var group in missing.GroupBy(n => n.Image!, StringComparer.Ordinal))
        {
            await Resources.EnsureImageAsync(group.Key, group.First().Name, cancellationToken);
        }
    }

    private void Open(string subnet)
    {
        _addresses = DockerAddresses.For(environment, subnet);
        _host = new ContainerNodeHost(Docker, environment, state.Root, _addresses, server, _freshNodes);
    }

    /// <summary>
    /// The node's socket directory on this machine, for the container's bind mount; true when it
    /// was made now. Its parent is root's alone: the directory itself belongs to the image's
    /// service user id, which on this machine may be some other account.
    /// </summary>
    private bool EnsureSocketDir(NodeDefinition node)
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var directory = DockerNames.SocketDirOnHost(state.Root, node);
        var parent = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(parent, OwnerOnly);
        File.SetUnixFileMode(parent, OwnerOnly);
        if (Directory.Exists(directory))
        {
            return false;
        }

        Directory.CreateDirectory(directory, OwnerOnly);
        return true;
    }

    private async Task EnsureRunningAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var addresses = _addresses ?? throw new InvalidOperationException("OpenAsync must run first");
        var name = DockerNames.Container(environment, node);
        var existing = await Resources.ContainerAsync(node, cancellationToken);
        if (existing is { State.Paused: true })
        {
            throw new LocalProviderException($"container {name} of node '{node.Name}' is paused; run 'docker unpause {name}' first");
        }

        if (existing is not null && DockerResources.ArchiveMount(environment) is { } archive && !(existing.Mounts ?? []).Any(m => m.Destination == archive.Target))
        {
            // A container is made with its mounts: one made before backup.archive was set lacks
            // the archive, and a server archiving from inside it (PostgreSQL) would write into the
            // container's own filesystem. Every container mounts it alike, whatever the engine;
            // its data is on the volume, so it is made again.
            if (existing.State?.Running == true)
            {
                throw new LocalProviderException(
                    $"the container {name} of node '{node.Name}' was made before backup.archive was set and does not mount {archive.Source}; run 'down' (its data stays on volume {DockerNames.Volume(environment, node)}) and 'up' again, which makes it anew");
            }

            await progress.StepAsync(node.Name, $"make container {name} anew, mounting the archive {archive.Source} (its data stays on volume {DockerNames.Volume(environment, node)})", () =>
                Docker.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters(), cancellationToken));
            existing = null;
        }

        if (existing is { State.Running: true })
        {
            await EnsureAttachedAsync(node, existing, addresses, cancellationToken);
            return;
        }

        try
        {
            // Before the container is made: the engine refuses a bind mount of a missing directory.
            var newSocketDir = EnsureSocketDir(node);
            if (environment.Archive is { } archiving)
            {
                Directory.CreateDirectory(archiving.Directory);
            }

            if (existing is null)
            {
                await Resources.EnsureImageAsync(node.Image!, node.Name, cancellationToken);
                if (await Resources.EnsureVolumeAsync(node, cancellationToken))
                {
                    _freshNodes[node.Name] = true;
                }

                await progress.StepAsync(node.Name, $"create container {name} ({node.Image}, {addresses.Nodes[node.Name]}, published on {node.Endpoint})", () =>
                    Docker.Containers.CreateContainerAsync(Resources.Definition(node, addresses), cancellationToken));
            }

            await progress.StepAsync(node.Name, $"start container {name}", () => Docker.Containers.StartContainerAsync(name, new ContainerStartParameters(), cancellationToken));
            if (existing is not null && await Resources.ContainerAsync(node, cancellationToken) is { } started)
            {
                await EnsureAttachedAsync(node, started, addresses, cancellationToken);
            }
            if (newSocketDir && !_freshNodes.ContainsKey(node.Name))
            {
                await _host!.OwnSocketDirAsync(node, cancellationToken);
            }
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

    /// <summary>
    /// A container cut off the environment's network (disconnected by hand, or given another
    /// address) runs but answers nobody: it is connected again at its own address, under its
    /// node name, before the node counts as up.
    /// </summary>
    private async Task EnsureAttachedAsync(NodeDefinition node, ContainerInspectResponse container, DockerAddresses addresses, CancellationToken cancellationToken)
    {
        var network = DockerNames.Network(environment);
        var address = addresses.Nodes[node.Name];
        var endpoints = container.NetworkSettings?.Networks;
        if (endpoints is not null && endpoints.TryGetValue(network, out var endpoint) && endpoint.IPAddress == address)
        {
            return;
        }

        var name = DockerNames.Container(environment, node);
        await progress.StepAsync(node.Name, $"reattach container {name} to network {network} at {address}", async () =>
        {
            if (endpoints is not null && endpoints.ContainsKey(network))
            {
                await Docker.Networks.DisconnectNetworkAsync(network, new NetworkDisconnectParameters { Container = name, Force = true }, cancellationToken);
            }

            await Docker.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters
            {
                Container = name,
                EndpointConfig = new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = address }, Aliases = [node.Name] },
            }, cancellationToken);
        });
    }
}
