using Orchestrator.Environments;
using Orchestrator.Monitoring;

namespace Orchestrator.Tests.Monitoring;

public sealed class StatsTests
{
    [Theory]
    [InlineData("order*", "orders", true)]
    [InlineData("order*", "order_items", true)]
    [InlineData("order?", "orders", true)]
    [InlineData("order?", "order_items", false)]
    [InlineData("orders", "public.orders", true)]
    [InlineData("a.b", "axb", false)]
    public void Table_patterns_match_like_a_shell(string pattern, string table, bool matches) =>
        Assert.Equal(matches, new StatsRequest(pattern).Includes(table));

    [Fact]
    public void An_index_is_unused_only_when_no_node_that_counts_has_used_it()
    {
        static NodeStats Node(string name, long? scans) => new(name, null)
        {
            Indexes = [new IndexStats("t", "ix_t_a", 8192, scans, false), new IndexStats("t", "pk_t", 8192, 0, true)],
        };

        Assert.Equal([new UnusedIndex("t", "ix_t_a", 8192)], new EnvironmentStats("e", EngineKind.Postgres, [Node("primary", 0), Node("replica-1", 0)]).UnusedIndexes);
        Assert.Empty(new EnvironmentStats("e", EngineKind.Postgres, [Node("primary", 0), Node("replica-1", 3)]).UnusedIndexes);
        Assert.Empty(new EnvironmentStats("e", EngineKind.MariaDb, [Node("primary", null), Node("replica-1", null)]).UnusedIndexes);
        Assert.Single(new EnvironmentStats("e", EngineKind.Postgres, [Node("primary", 0), new NodeStats("replica-1", "unreachable")]).UnusedIndexes);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1m", 60000)]
    public void Durations_read_as_written(string text, int milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("2")]
    [InlineData("1.5s")]
    [InlineData("-1s")]
    public void Other_durations_are_refused(string text) => Assert.False(DurationText.TryParse(text, out _));
}
