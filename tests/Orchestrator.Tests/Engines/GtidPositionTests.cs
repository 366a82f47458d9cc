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

    [Fact]
    public void What_a_node_committed_beyond_its_new_source_is_judged_by_its_last_gtid_per_domain()
    {
        // A former primary that wrote 0-1-60 after its replica took over at 0-1-52 (then wrote as server 2).
        Assert.Equal([new Gtid(0, 1, 60)], GtidPosition.NotReachedBy("0-1-60", "0-1-52,0-2-70"));

        // A node whose binary log once held server 3's 0-3-46, now at 0-1-52 like its source
        // (rebuilt from a dump, which keeps one GTID per domain): nothing is lost.
        Assert.Empty(GtidPosition.NotReachedBy("0-1-52", "0-1-52"));
        Assert.Empty(GtidPosition.NotReachedBy("0-1-52", "0-1-57,0-2-3"));

        // Its last GTID from a server the source never heard of: refused, to be safe.
        Assert.Equal([new Gtid(0, 3, 46)], GtidPosition.NotReachedBy("0-3-46", "0-1-52"));
    }

    [Theory]
    [InlineData("0-1-330", "0-1-331,0-2-1186", "0-1-331")]
    [InlineData("0-1-331", "0-1-331,0-2-1186", "")]
    [InlineData("0-1-330", "0-1-330,0-2-1186", "")]
    [InlineData("0-2-40", "0-1-331,0-2-1186", "0-1-331")]
    [InlineData("0-1-5,1-1-9", "0-1-7,1-1-9,1-3-12", "0-1-7")]
    public void A_nodes_own_transactions_that_only_the_source_kept_are_those_of_its_server_id_beyond_its_binary_log(string latest, string sourceState, string expected)
    {
        Assert.Equal(expected, string.Join(",", GtidPosition.OwnBeyond(1, latest, sourceState)));
    }
}
