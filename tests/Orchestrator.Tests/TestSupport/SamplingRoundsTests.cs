using Orchestrator.TestSupport;
using Xunit;

namespace Orchestrator.Tests.TestSupport;

/// <summary>The split-brain sampler's judgement of one round: only writes that may have been taken at the same moment count.</summary>
public sealed class SamplingRoundsTests
{
    private static SamplingRounds.Ask Ask(string node, double from, double to) =>
        new(node, TimeSpan.FromMilliseconds(from), TimeSpan.FromMilliseconds(to));

    [Fact]
    public void Two_nodes_that_accepted_writes_at_overlapping_times_are_a_split()
    {
        var together = SamplingRounds.AcceptedTogether([Ask("primary", 0, 12), Ask("replica-1", 3, 40)]);

        Assert.Equal(["primary", "replica-1"], together.Select(a => a.Node));
    }

    [Fact]
    public void Acceptances_one_after_the_other_are_a_role_change_within_the_round_not_a_split()
    {
        // The old primary took the write before its writes stopped; the new one, whose session
        // reconnected first, took it after its promotion.
        var together = SamplingRounds.AcceptedTogether([Ask("primary", 1, 4), Ask("replica-2", 52, 60)]);

        Assert.Empty(together);
    }

    [Fact]
    public void A_third_node_overlapping_only_one_of_two_makes_those_two_a_split()
    {
        var together = SamplingRounds.AcceptedTogether([Ask("primary", 0, 4), Ask("replica-1", 10, 20), Ask("replica-2", 15, 30)]);

        Assert.Equal(["replica-1", "replica-2"], together.Select(a => a.Node));
    }

    [Fact]
    public void One_node_alone_is_no_split()
    {
        Assert.Empty(SamplingRounds.AcceptedTogether([Ask("primary", 0, 4)]));
    }
}
