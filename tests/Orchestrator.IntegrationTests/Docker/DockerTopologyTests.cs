using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Topology;

namespace Orchestrator.IntegrationTests.Docker;

/// <summary>
/// provider: docker with PostgreSQL: every node in its own container on the environment's
/// network, replication crossing that network, the tool reaching the nodes through ports
/// published on 127.0.0.1; migrations wait for replicas there too, and a replica cut off the
/// network fails a run that a rerun completes once it is back.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerTopologyTests(DockerTopologyFixture fixture)
{
    private DockerTestEnvironment Docker => fixture.Environment;

    [Fact]
    public async Task Up_runs_each_node_in_a_labelled_container_on_the_environments_network_and_replication_crosses_it()
    {
        var (containers, volumes, networks) = await Docker.OwnedAsync();
        Assert.Equal(["primary", "replica-1", "replica-2"], containers.Select(c => c.Labels[Orchestrator.Docker.DockerNames.NodeLabel]).Order(StringComparer.Ordinal));
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
        await using var primary = await Docker.ConnectAsync("primary", "postgres");
        var clients = await primary.QueryAsync("SELECT host(client_addr) AS address, application_name FROM pg_stat_replication");
        var row = Assert.Single(clients);
        Assert.Equal("replica-1", row.GetString("application_name"));
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
        await using var client = new ContainerBuilder(DockerTestEnvironment.Image)
            .WithNetwork(Docker.Network)
            .WithEntrypoint("sleep")
            .WithCommand("infinity")
            .WithEnvironment("PGPASSWORD", credentials.AdminPassword.Reveal())
            .WithLabel(Orchestrator.Docker.DockerNames.EnvironmentLabel, Docker.Environment.Name)
            .Build();
        await client.StartAsync();

        var attempt = await client.ExecAsync(["psql", "-h", "primary", "-U", credentials.AdminUser, "-d", "app", "-c", "SELECT 1"]);

        Assert.NotEqual(0, attempt.ExitCode);
        Assert.Contains("no pg_hba.conf entry for host", attempt.Stderr, StringComparison.Ordinal);
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
            var applied = await primary.QueryAsync("SELECT count(*) AS n FROM \"VersionInfo\"");
            Assert.True(applied.Single().GetInt64("n") >= 1, "the primary kept what it applied");
        }

        (exitCode, output) = await CliRunner.RunAsync(["migrate", .. args]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("replica-2    replayed version 1004", output, StringComparison.Ordinal);
        await using var replica = await Docker.ConnectAsync("replica-2");
        Assert.Equal(1004, (await replica.QueryAsync("SELECT max(\"Version\") AS v FROM \"VersionInfo\"")).Single().GetInt64("v"));
    }
}
