using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

public sealed class CidrTests
{
    [Theory]
    [InlineData("127.0.0.1/32", "255.255.255.255")]
    [InlineData("10.20.0.0/16", "255.255.0.0")]
    [InlineData("0.0.0.0/0", "0.0.0.0")]
    [InlineData("192.168.4.0/22", "255.255.252.0")]
    public void Parses_and_derives_the_netmask(string text, string netmask)
    {
        Assert.True(Cidr.TryParse(text, out var cidr, out _));
        Assert.Equal(text, cidr!.ToString());
        Assert.Equal(netmask, cidr.Netmask());
    }

    [Theory]
    [InlineData("127.1/32")]
    [InlineData("::1/129")]
    [InlineData("127.0.0.1/-1")]
    [InlineData("127.0.0.1/ 8")]
    public void Rejects_malformed_networks(string text) => Assert.False(Cidr.TryParse(text, out _, out _));
}
