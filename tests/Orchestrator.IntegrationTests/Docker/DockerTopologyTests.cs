using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Processes;
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

        // Every replication connection is encrypted, and each replica checks its source's
        // certificate (which names the source's address on the network) against the environment CA.
        foreach (var (source, replica) in new[] { ("primary", "replica-1"), ("replica-1", "replica-2") })
        {
            await using var onSource = await Docker.ConnectAsync(source, Postgres ? "postgres" : null);
            await using var onReplica = await Docker.ConnectAsync(replica, Postgres ? "postgres" : null);
            if (Postgres)
            {
                var ssl = Assert.Single(await onSource.QueryAsync("SELECT s.ssl FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid WHERE r.application_name = $1", [replica]));
                Assert.True(ssl.GetBoolean("ssl"), $"{replica}'s stream from {source} is not encrypted");
                var conninfo = (await onReplica.QueryAsync("SELECT current_setting('primary_conninfo') AS c")).Single().GetString("c")!;
                Assert.Contains("sslmode='verify-full'", conninfo, StringComparison.Ordinal);
            }
            else
            {
                var replicaStatus = (await onReplica.QueryAsync("SHOW SLAVE STATUS")).Single();
                Assert.Equal("Yes", replicaStatus.GetString("Slave_IO_Running"));
                Assert.Equal("Yes", replicaStatus.GetString("Master_SSL_Allowed"));
                Assert.Equal("Yes", replicaStatus.GetString("Master_SSL_Verify_Server_Cert"));
            }
        }

        var (exitCode, output) = await CliRunner.RunAsync("up", "-e", Docker.File, "--state-dir", Docker.StateDir);
        Assert.True(exitCode == 0, output);
        Assert.Contains("already up: all 3 nodes are running; nothing changed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_capture_on_the_environments_bridge_sees_the_replication_traffic_and_none_of_what_it_carries()
    {
        var marker = $"tlsmark{Guid.NewGuid():N}"[..24];
        var plainMarker = $"plainmark{Guid.NewGuid():N}"[..24];
        var network = await Docker.Docker.Networks.InspectNetworkAsync(Docker.Network);
        var primaryAddress = (await Docker.Docker.Containers.InspectContainerAsync(Docker.Container("primary"))).NetworkSettings!.Networks![Docker.Network].IPAddress;
        await using var capture = await BridgeCapture.StartAsync($"br-{network.ID[..12]}", Path.Combine(Docker.Directory, $"{marker}.pcap"));

        // Written through the tool's session (the published port crosses the bridge too), then
        // streamed to replica-1 and on to replica-2 over the network.
        await using (var primary = await Docker.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync($"CREATE TABLE {marker} (note varchar(100))");
            await primary.ExecuteAsync($"INSERT INTO {marker} VALUES ('{marker}-row')");
        }

        await TestTopology.EventuallyAsync(
            async () =>
            {
                await using var replica = await Docker.ConnectAsync("replica-2");
                return (await replica.QueryAsync($"SELECT COUNT(*) AS n FROM {marker} WHERE note = '{marker}-row'")).Single().GetInt64("n") == 1;
            },
            "replica-2 has the marked row");
        var (statusExit, statusOutput) = await CliRunner.RunAsync("status", "-e", Docker.File, "--state-dir", Docker.StateDir);
        Assert.True(statusExit == 0, statusOutput);

        // A plain client's first message crosses the bridge in the clear (and is refused): the capture sees the servers' port.
        var plain = await ProcessRunner.RunAsync(
            Postgres
                ? new ProcessSpec("psql", [$"host={primaryAddress} port=5432 user={plainMarker} dbname=app sslmode=disable connect_timeout=5", "-c", "SELECT 1"])
                : new ProcessSpec("mariadb", ["--no-defaults", "--skip-ssl", "-h", primaryAddress, "-P", "3306", "-u", plainMarker, "--connect-timeout=5", "-e", "SELECT 1"]),
            CancellationToken.None);
        Assert.NotEqual(0, plain.ExitCode);

        var packets = await capture.StopAsync(awaited: plainMarker);
        Assert.True(BridgeCapture.Holds(packets, plainMarker), $"the capture ({packets.Length} bytes) does not hold the plain client's user name: it saw nothing of the servers' traffic; the client said: {plain.StandardError}");
        Assert.False(BridgeCapture.Holds(packets, marker), "the marker crossed the network in the clear");
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
