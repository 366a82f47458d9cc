using System.Net;
using Orchestrator.Cli;

namespace Orchestrator.Tests.Cli;

/// <summary>metrics --listen: every malformed or foreign address is named before anything listens.</summary>
public sealed class ListenAddressTests
{
    private static readonly IPAddress[] Machine = [IPAddress.Loopback, IPAddress.Parse("10.0.0.5"), IPAddress.IPv6Loopback];

    private static IReadOnlyList<IPAddress> Resolve(string host) => host switch
    {
        "localhost" => [IPAddress.Loopback],
        "metrics-host" => [IPAddress.Parse("10.0.0.5")],
        "db.example" => [IPAddress.Parse("10.9.9.9")],
        _ => [],
    };

    [Theory]
    [InlineData("127.0.0.1:9187", "127.0.0.1", 9187, "127.0.0.1")]
    [InlineData("127.0.0.2:80", "127.0.0.2", 80, "127.0.0.2")]
    [InlineData("10.0.0.5:65535", "10.0.0.5", 65535, "10.0.0.5")]
    [InlineData("localhost:1", "localhost", 1, "localhost")]
    [InlineData("metrics-host:9187", "metrics-host", 9187, "metrics-host")]
    [InlineData("0.0.0.0:9187", "0.0.0.0", 9187, "+")]
    [InlineData("*:9187", "*", 9187, "+")]
    public void An_address_of_this_machine_and_a_port_are_taken(string text, string host, int port, string listenerHost)
    {
        Assert.Null(ListenAddress.Problem(text, Machine, Resolve, out var address));
        Assert.Equal(new ListenAddress(host, port, listenerHost), address);
    }

    [Theory]
    [InlineData("999.1.1.1:80", "--listen 999.1.1.1:80 is not an address of this machine: 999.1.1.1 is not an IPv4 address (four numbers from 0 to 255, separated by dots); give 127.0.0.1, one of this machine's addresses (10.0.0.5), or 0.0.0.0 for every address")]
    [InlineData("1.2.3:80", "--listen 1.2.3:80 is not an address of this machine: 1.2.3 is not an IPv4 address")]
    [InlineData("10.9.9.9:80", "--listen 10.9.9.9:80 is not an address of this machine: give 127.0.0.1, one of this machine's addresses (10.0.0.5), or 0.0.0.0 for every address")]
    [InlineData("db.example:80", "--listen db.example:80 is not an address of this machine: 'db.example' resolves to 10.9.9.9")]
    [InlineData("nowhere.invalid:80", "--listen nowhere.invalid:80: the host name 'nowhere.invalid' does not resolve to any address")]
    [InlineData("bad_host!:80", "--listen bad_host!:80: 'bad_host!' is neither an IPv4 address nor a host name")]
    [InlineData("127.0.0.1", "--listen 127.0.0.1 has no port: give ADDRESS:PORT, for example 127.0.0.1:9187")]
    [InlineData("127.0.0.1:", "--listen 127.0.0.1: has no port")]
    [InlineData(":9187", "--listen :9187 has no address: give ADDRESS:PORT, for example 127.0.0.1:9187, or 0.0.0.0:9187 for every address")]
    [InlineData("127.0.0.1:http", "--listen 127.0.0.1:http: the port 'http' is not a number; give a port from 1 to 65535, for example 127.0.0.1:9187")]
    [InlineData("127.0.0.1:0", "--listen 127.0.0.1:0: port 0 is out of range: it must be from 1 to 65535")]
    [InlineData("127.0.0.1:65536", "--listen 127.0.0.1:65536: port 65536 is out of range")]
    [InlineData("127.0.0.1:99999999999", "--listen 127.0.0.1:99999999999: port 99999999999 is out of range")]
    [InlineData("[::1]:9187", "--listen [::1]:9187: the exporter's HTTP listener cannot listen on an IPv6 address")]
    public void A_malformed_or_foreign_address_is_named(string text, string expected)
    {
        Assert.StartsWith(expected, ListenAddress.Problem(text, Machine, Resolve, out var address), StringComparison.Ordinal);
        Assert.Null(address);
    }

    [Fact]
    public async Task Metrics_with_an_address_that_is_not_this_machines_exits_2_naming_it()
    {
        var (exitCode, output) = await CliRunner.RunAsync("metrics", "-e", Path.Combine(RepositoryPaths.Environments, "local.yaml"), "--listen", "999.1.1.1:80");

        Assert.Equal(2, exitCode);
        Assert.Contains("--listen 999.1.1.1:80 is not an address of this machine: 999.1.1.1 is not an IPv4 address", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not supported", output, StringComparison.Ordinal);
    }
}
