using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

/// <summary>The bounds of the environment file's numbers, at their edges (what lies beyond is in Invalid/).</summary>
public sealed class NumberRangeTests
{
    [Theory]
    [InlineData("2147483647MB", "1s")]
    [InlineData("2047TB", "24h")]
    [InlineData("2147483647kB", "1440m")]
    [InlineData("-1", "1000ms")]
    public void The_largest_and_smallest_accepted_values_load(string keep, string timeout)
    {
        var env = TestEnvironments.FromYaml($"""
            name: t
            engine: postgres
            database: app
            replication:
              max_slot_wal_keep_size: {keep}
              replay_timeout: {timeout}
            nodes:
              - {"{"} name: primary, role: primary, port: 65535 {"}"}
            """);

        Assert.Equal(keep, env.Replication.MaxSlotWalKeepSize);
        Assert.InRange(env.Replication.ReplayTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
    }

    [Theory]
    [InlineData("99999999999999999999h")]
    [InlineData("9999999999999h")]
    public void A_duration_too_long_for_a_timespan_is_out_of_range_not_a_crash(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
        Assert.Equal("is out of range: it must be from 1s to 24h", DurationText.Problem(text, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24), out _));
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("soon")]
    public void A_text_that_is_no_duration_is_reported_as_such(string text) =>
        Assert.StartsWith("must be a positive duration", DurationText.Problem(text, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24), out _), StringComparison.Ordinal);

    [Theory]
    [InlineData(86_400_000, "24h")]
    [InlineData(90_000, "90s")]
    [InlineData(1500, "1500ms")]
    public void Bounds_are_written_in_the_largest_exact_unit(int milliseconds, string text) =>
        Assert.Equal(text, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
