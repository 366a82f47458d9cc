using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Servers;

namespace Orchestrator.IntegrationTests.Docker;

/// <summary>
/// provider: docker, for each engine: every node in its own container on the environment's
/// network, replication crossing that network, the tool reaching the nodes through ports
/// published on 127.0.0.1; migrations wait for replicas there too, and a replica cut off the
/// network fails a run that a rerun completes once it is back.
/// </summary>
public abstract class DockerTopologyTests(DockerTopologyFixture fixture)
{
    private DockerTestEnvironment Docker => fixture.Environment;

    private bool Postgres => Docker.Engine == EngineKind.Postgres;

    [Fact]
    public async Task Up_runs_each_node_in_a_labelled_container_on_the_environments_network_and_replication_crosses_it()
    {
        var (containers, volumes, networks) = await Docker.OwnedAsync();
        Assert.Equal(["primary", "replica-1", "replica-2"], containers.Select(c => c.Labels[DockerNames.NodeLabel]).Order(StringComparer.Ordinal));
        Assert.All(containers, c => Assert.Equal("running", c.State));
        Assert.Equal(3, volumes.Count);
        var network = Assert.Single(networks);

        var status = await Docker.StatusAsync();
        Assert.All(status.Nodes, n => Assert.True(n.Reachable, $"{n.Name}: {n.Error}"));
        Assert.Equal(ObservedRole.Primary, status.Node("primary").Role);
        Assert.Equal("primary", status.Node("replica-1").ReplicatingFrom);
        Assert.Equal("replica-1", status.Node("replica-2").ReplicatingFrom);

        // replica-1 streams from the primary's container over the network, from its own address there.
        var replicaAddress = (await Docker.Docker.Containers.InspectContainerAsync(Docker.Container("replica-1"))).NetworkSettings?.Networks?[network.Name]?.IPAddress;
        await using var primary = await Docker.ConnectAsync("primary", Postgres ? "postgres" : null);
        var clients = await primary.QueryAsync(Postgres
            ? "SELECT host(client_addr) AS address FROM pg_stat_replication WHERE application_name = 'replica-1'"
            : "SELECT SUBSTRING_INDEX(HOST, ':', 1) AS address FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
        var row = Assert.Single(clients);
        Assert.NotNull(replicaAddress);
        Assert.Equal(replicaAddress, row.GetString("address"));

        var (exitCode, output) = await CliRunner.RunAsync("up", "-e", Docker.File, "--state-dir", Docker.StateDir);
        Assert.True(exitCode == 0, output);
        Assert.Contains("already up: all 3 nodes are running; nothing changed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_container_on_the_network_outside_access_allow_is_refused()
    {
        await Docker.ConfigureTestcontainersAsync();
        var credentials = Docker.Credentials;
        await using var client = new ContainerBuilder(Docker.Image)
            .WithNetwork(Docker.Network)
            .WithEntrypoint("sleep")
            .WithCommand("infinity")
            .WithEnvironment("PGPASSWORD", credentials.AdminPassword.Reveal())
            .WithEnvironment("MYSQL_PWD", credentials.AdminPassword.Reveal())
            .WithLabel(DockerNames.EnvironmentLabel, Docker.Environment.Name)
            .Build();
        await client.StartAsync();

        var attempt = await client.ExecAsync(Postgres
            ? ["psql", "-h", "primary", "-U", credentials.AdminUser, "-d", "app", "-c", "SELECT 1"]
            : ["mariadb", "-h", "primary", "-u", credentials.AdminUser, "app", "-e", "SELECT 1"]);

        Assert.NotEqual(0, attempt.ExitCode);
        Assert.Contains(Postgres ? "no pg_hba.conf entry for host" : "is not allowed to connect to this MariaDB server", attempt.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_cut_off_the_network_fails_migrate_naming_it_and_a_rerun_completes_once_it_is_back()
    {
        var args = new[] { "-e", Docker.File, "--state-dir", Docker.StateDir };
        await Docker.SetConnectedAsync("replica-2", connected: false);
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await CliRunner.RunAsync(["migrate", .. args]);
        }
        finally
        {
            await Docker.SetConnectedAsync("replica-2", connected: true);
        }

        Assert.True(exitCode == 1, output);
        Assert.Contains("replica-2", output, StringComparison.Ordinal);
        await using (var primary = await Docker.ConnectAsync("primary"))
        {
            var applied = await primary.QueryAsync($"SELECT count(*) AS n FROM {Docker.Dialect.Quote("VersionInfo")}");
            Assert.True(applied.Single().GetInt64("n") >= 1, "the primary kept what it applied");
        }

        (exitCode, output) = await CliRunner.RunAsync(["migrate", .. args]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("replica-2    replayed version 1004", output, StringComparison.Ordinal);
        await using var replica = await Docker.ConnectAsync("replica-2");
        Assert.Equal(1004, (await replica.QueryAsync($"SELECT max({Docker.Dialect.Quote("Version")}) AS v FROM {Docker.Dialect.Quote("VersionInfo")}")).Single().GetInt64("v"));
    }
}

[Collection(DockerPostgresCollection.Name)]
public sealed class DockerPostgresTopologyTests(DockerPostgresTopologyFixture fixture) : DockerTopologyTests(fixture);

[Collection(DockerMariaDbCollection.Name)]
public sealed class DockerMariaDbTopologyTests(DockerMariaDbTopologyFixture fixture) : DockerTopologyTests(fixture);
