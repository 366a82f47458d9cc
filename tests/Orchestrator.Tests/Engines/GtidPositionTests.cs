using Orchestrator.Engines.MariaDb;

namespace Orchestrator.Tests.Engines;

public sealed class GtidPositionTests
{
    [Theory]
    [InlineData("0-1-10", "0-1-9", 1)]
    [InlineData("0-1-9", "0-2-10", -1)]
    [InlineData("0-1-10,1-3-5", "0-1-10,1-3-5", 0)]
    [InlineData("0-1-10", "0-1-10,1-3-1", -1)]
    [InlineData("", "", 0)]
    public void Positions_are_ordered_domain_by_domain(string a, string b, int expected) =>
        Assert.Equal(expected, GtidPosition.Compare(a, b));

    [Fact]
    public void Positions_each_ahead_somewhere_are_incomparable() =>
        Assert.Null(GtidPosition.Compare("0-1-10,1-3-1", "0-1-9,1-3-2"));

    [Fact]
    public void A_binlog_state_keeps_each_servers_last_gtid()
    {
        var entries = GtidPosition.Entries("0-1-10,0-2-12");
        Assert.Equal([new Gtid(0, 1, 10), new Gtid(0, 2, 12)], entries);
        Assert.Equal("0-2-12", entries[1].ToString());
    }
}
