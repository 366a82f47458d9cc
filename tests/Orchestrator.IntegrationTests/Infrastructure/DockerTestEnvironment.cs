using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.Composition;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.Progress;
using Orchestrator.State;
using Orchestrator.Topology;
using Orchestrator.Engines;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A docker environment of PostgreSQL or MariaDB containers (a primary, replica-1, and replica-2
/// cascading from it) on a network of its own, brought up by the tool from a file written here,
/// with the test migrations (tag basic). Disposing purges it: containers, volumes, network, state.
/// </summary>
internal sealed class DockerTestEnvironment : ITestNodes, IAsyncDisposable
{
    public const string PostgresImage = "orchestrator/postgres:15";

    public const string MariaDbImage = "orchestrator/mariadb:10.11";

    private DockerTestEnvironment(string directory, string file, DockerClient docker)
    {
        Directory = directory;
        File = file;
        Docker = docker;
        Environment = EnvironmentLoader.LoadOrThrow(file);
    }

    /// <summary>A credentials section whose passwords are environment variables of this process, set to fresh values.</summary>
    private static string PasswordsByReference()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        System.Environment.SetEnvironmentVariable($"ORCH_IT_ADMIN_{suffix}", $"admin-{Guid.NewGuid():N}");
        System.Environment.SetEnvironmentVariable($"ORCH_IT_REPL_{suffix}", $"repl-{Guid.NewGuid():N}");
        return "credentials:\n" +
            $"  admin:       {{ user: orchestrator, password: \"${{env:ORCH_IT_ADMIN_{suffix}}}\" }}\n" +
            $"  replication: {{ user: replicator,   password: \"${{env:ORCH_IT_REPL_{suffix}}}\" }}\n";
    }

    public static string ImageOf(EngineKind engine) => engine == EngineKind.MariaDb ? MariaDbImage : PostgresImage;

    /// <summary>The image the nodes run, which also has the engine's client programs (for client containers).</summary>
    public string Image => ImageOf(Engine);

    public TestDialect Dialect => Engine == EngineKind.Postgres ? TestDialect.Postgres : TestDialect.MariaDb;

    public string Directory { get; }

    public string File { get; }

    public string StateDir => Path.Combine(Directory, "state");

    public DockerClient Docker { get; }

    public EngineKind Engine => Environment.Engine;

    public EnvironmentDefinition Environment { get; }

    public string Network => DockerNames.Network(Environment);

    public string Container(string node) => DockerNames.Container(Environment, Environment.Node(node));

    /// <summary>
    /// docker pause of the node's container. The cgroup freezer can fail to freeze a process caught
    /// mid-system-call ("unable to freeze", seen once in CI on a loaded machine); the pause is the
    /// test's fault, not the tool's, so it is tried again.
    /// </summary>
    public async Task PauseAsync(string node)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Docker.Containers.PauseContainerAsync(Container(node));
                return;
            }
            catch (DockerApiException e) when (attempt < 5 && e.Message.Contains("unable to freeze", StringComparison.Ordinal))
            {
                await Task.Delay(200);
            }
        }
    }

    /// <param name="syncReplica">Whether replica-1 is synchronous (semi-synchronous on MariaDB).</param>
    /// <param name="admitClientContainers">Whether client containers on the network (a writer) are admitted: access.allow then covers the engine's addresses.</param>
    /// <param name="passwordsByReference">Whether the file gives both passwords by ${env:...} (set here), as a team sharing the file would; otherwise they are generated.</param>
    public static async Task<DockerTestEnvironment> StartAsync(string name, int nodes = 3, bool syncReplica = false, bool admitClientContainers = false, EngineKind engine = EngineKind.Postgres, bool passwordsByReference = false)
    {
        var docker = await ConnectOrFailAsync();
        var directory = System.IO.Directory.CreateTempSubdirectory($"orch-it-{name}-").FullName;
        var ports = FreePorts.Take(nodes);
        var yaml = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"name: {name}-{Path.GetFileName(directory)[^6..].ToLowerInvariant()}")
            .AppendLine(CultureInfo.InvariantCulture, $"engine: {engine.ToText()}")
            .AppendLine("provider: docker")
            .AppendLine(CultureInfo.InvariantCulture, $"image: {ImageOf(engine)}")
            .AppendLine("database: app")
            .AppendLine("migrations:")
            .AppendLine(CultureInfo.InvariantCulture, $"  assembly: {BuiltArtifacts.TestMigrations}")
            .AppendLine("  tags: [basic]")
            .Append(passwordsByReference ? PasswordsByReference() : "")
            .AppendLine("access:")
            .AppendLine(admitClientContainers ? "  allow: [127.0.0.1/32, 10.213.0.0/16]" : "  allow: [127.0.0.1/32]")
            .AppendLine("replication:")
            .AppendLine("  replay_timeout: 15s")
            .AppendLine("nodes:")
            .AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: primary,   role: primary, port: {ports[0]} }}");
        for (var i = 1; i < nodes; i++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: replica-{i}, role: replica, source: {(i == 1 ? "primary" : $"replica-{i - 1}")}, port: {ports[i]}{(i == 1 && syncReplica ? ", sync: true" : "")} }}");
        }

        var file = Path.Combine(directory, $"{name}.yaml");
        await System.IO.File.WriteAllTextAsync(file, yaml.ToString());
        var environment = new DockerTestEnvironment(directory, file, docker);
        try
        {
            await environment.UpAsync();
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }

        return environment;
    }

    /// <summary>The topology operations (switchover, failover, rejoin, rebuild) on this environment, reading its live shape afresh.</summary>
    public LocalTopology Local() => new(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance));

    public Task<UpOutcome> UpAsync() => new LocalTopology(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance)).UpAsync(CancellationToken.None);

    public Task<DownOutcome> DownAsync(bool purge = false) => new LocalTopology(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance)).DownAsync(purge, CancellationToken.None);

    public Task<EnvironmentStatus> StatusAsync() => StatusReader.ReadAsync(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance), CancellationToken.None);

    public EnvironmentCredentials Credentials => CredentialStore.Resolve(Environment, StateLayout.For(Environment, StateDir), create: false);

    public Task<IDbSession> ConnectAsync(string node, string? database = "app")
    {
        var engine = EngineRegistry.For(Engine);
        return engine.ConnectAsync(engine.AdminTarget(Environment.Node(node), Credentials, database), CancellationToken.None);
    }

    /// <summary>What the tool created for this environment, by its labels.</summary>
    public async Task<(IList<ContainerListResponse> Containers, IList<VolumeResponse> Volumes, IList<NetworkResponse> Networks)> OwnedAsync()
    {
        var owned = DockerNames.Owned(Environment);
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = owned });
        var volumes = (await Docker.Volumes.ListAsync(new VolumesListParameters { Filters = owned })).Volumes ?? [];
        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = owned });
        return (containers, volumes, networks);
    }

    /// <summary>Cuts the node's container off its network (and so from its published port), or puts it back with its address and alias.</summary>
    public async Task SetConnectedAsync(string node, bool connected)
    {
        if (connected)
        {
            var address = DockerAddresses.For(Environment, DockerNetworkRecord.Load(StateLayout.For(Environment, StateDir))!).Nodes[node];
            await Docker.Networks.ConnectNetworkAsync(Network, new NetworkConnectParameters
            {
                Container = Container(node),
                EndpointConfig = new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = address }, Aliases = [node] },
            });
        }
        else
        {
            await Docker.Networks.DisconnectNetworkAsync(Network, new NetworkDisconnectParameters { Container = Container(node), Force = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DownAsync(purge: true);
        }
        finally
        {
            // Whatever the purge left (it failed, or up never finished): removed by the labels.
            await RemoveOwnedAsync(Docker, Environment);
            Docker.Dispose();
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    /// <summary>Removes whatever carries the environment's labels: what a purge left (it failed, or up never finished).</summary>
    public static async Task RemoveOwnedAsync(EnvironmentDefinition environment)
    {
        using var docker = await ConnectOrFailAsync();
        await RemoveOwnedAsync(docker, environment);
    }

    private static async Task RemoveOwnedAsync(DockerClient docker, EnvironmentDefinition environment)
    {
        var owned = DockerNames.Owned(environment);
        foreach (var container in await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = owned }))
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }

        foreach (var volume in (await docker.Volumes.ListAsync(new VolumesListParameters { Filters = owned })).Volumes ?? [])
        {
            await docker.Volumes.RemoveAsync(volume.Name, force: true);
        }

        foreach (var network in await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = owned }))
        {
            await docker.Networks.DeleteNetworkAsync(network.ID);
        }
    }

    /// <summary>
    /// Readies Testcontainers for this engine: it speaks the engine's API version (its own default,
    /// 1.44, is newer than Debian 12's engine), and no reaper, whose image no registry here serves.
    /// </summary>
    public async Task ConfigureTestcontainersAsync()
    {
        var version = await Docker.System.GetVersionAsync();
        System.Environment.SetEnvironmentVariable("DOCKER_API_VERSION", version.APIVersion);
        System.Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
    }

    /// <summary>The engine, or a failure that says how to get one: these tests never skip.</summary>
    private static async Task<DockerClient> ConnectOrFailAsync()
    {
        try
        {
            return await DockerEngine.ConnectAsync(CancellationToken.None);
        }
        catch (LocalProviderException e)
        {
            throw new InvalidOperationException($"{e.Message} The docker provider's tests need it: run scripts/setup.sh (as root) first.", e);
        }
    }
}
