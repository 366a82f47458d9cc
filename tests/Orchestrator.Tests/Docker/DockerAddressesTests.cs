using Orchestrator.Engines.Postgres;
using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;

namespace Orchestrator.Tests.Docker;

public sealed class DockerAddressesTests
{
    private static EnvironmentDefinition File3() => TestEnvironments.FromYaml("""
        name: dk
        engine: postgres
        provider: docker
        database: app
        access:
          allow: [127.0.0.1/32]
        nodes:
          - { name: primary,   role: primary, port: 26432 }
          - { name: replica-1, role: replica, source: primary,   port: 26433 }
          - { name: replica-2, role: replica, source: replica-1, port: 26434 }
        """);

    [Fact]
    public void Nodes_get_fixed_addresses_in_file_order_below_the_range_the_engine_hands_out()
    {
        var addresses = DockerAddresses.For(File3(), "10.213.7.0/24");

        Assert.Equal("10.213.7.1", addresses.Gateway);
        Assert.Equal("10.213.7.10", addresses.Nodes["primary"]);
        Assert.Equal("10.213.7.11", addresses.Nodes["replica-1"]);
        Assert.Equal("10.213.7.12", addresses.Nodes["replica-2"]);
        Assert.Equal("10.213.7.128/25", addresses.DynamicRange);
    }

    [Fact]
    public void The_servers_view_puts_every_node_at_its_address_and_the_container_port_and_admits_the_gateway_and_the_nodes()
    {
        var file = File3();
        var view = DockerAddresses.For(file, "10.213.7.0/24").ServerView(file, containerPort: 5432);

        Assert.All(view.Nodes, n => Assert.Equal(5432, n.Port));
        Assert.Equal("10.213.7.11", view.Node("replica-1").Host);
        Assert.Equal("replica-1", view.Node("replica-2").Source);
        Assert.Equal(
            ["127.0.0.1/32", "10.213.7.1/32", "10.213.7.10/32", "10.213.7.11/32", "10.213.7.12/32"],
            view.Allow.Select(c => c.ToString()));
        Assert.Equal(["10.213.7.1/32"], view.ToolAddresses.Select(c => c.ToString()));
        var hba = PostgresConfigFiles.HbaConf(view);
        Assert.Contains(hba.Split('\n'), l => l.StartsWith("hostssl   replication", StringComparison.Ordinal) && l.Contains("10.213.7.1/32", StringComparison.Ordinal));
        Assert.Empty(file.ToolAddresses);

        // The file itself is untouched: the tool still reaches the nodes through the published ports.
        Assert.Equal(26433, file.Node("replica-1").Port);
        Assert.Equal("127.0.0.1", file.Node("replica-1").Host);
    }

    [Fact]
    public void Candidate_subnets_start_from_the_environments_name_and_cover_the_range_once()
    {
        var first = DockerAddresses.Candidates("dk").Take(250).ToList();

        Assert.Equal(250, first.Distinct().Count());
        Assert.All(first, s => Assert.Matches(@"^10\.213\.\d{1,3}\.0/24$", s));
        Assert.Equal(first[0], DockerAddresses.Candidates("dk").First());
        Assert.NotEqual(first[0], DockerAddresses.Candidates("another").First());
    }

    [Fact]
    public void A_subnet_that_is_not_an_ipv4_24_is_refused()
    {
        Assert.Throws<FormatException>(() => DockerAddresses.For(File3(), "10.213.7.0/16"));
        Assert.Throws<FormatException>(() => DockerAddresses.For(File3(), "fd00::/64"));
    }
}
