using Orchestrator.Replication;

namespace Orchestrator.Tests.Backups;

public sealed class RecoveryTargetTests
{
    [Theory]
    [InlineData("2026-12-06T14:03:00Z", "2026-12-06 14:03:00.000000+00:00")]
    [InlineData("2026-12-06 14:03:00", "2026-12-06 14:03:00.000000+00:00")]
    [InlineData("2026-12-06T15:03:00.25+01:00", "2026-12-06 14:03:00.250000+00:00")]
    public void A_time_is_read_as_utc_unless_it_gives_an_offset_and_is_passed_on_in_utc(string text, string expected)
    {
        var target = RecoveryTarget.Parse(RecoveryTargetKind.Time, text, inclusive: true, out _)!;

        Assert.Equal(expected, target.Value);
        Assert.Equal(TimeSpan.Zero, target.Time!.Value.Offset);
    }

    [Theory]
    [InlineData("Time", "yesterday", "is not a time")]
    [InlineData("Position", "3000148", "is neither a write-ahead log position")]
    [InlineData("Position", "0/30001G8", "is neither a write-ahead log position")]
    [InlineData("Transaction", "-4", "is not a transaction: a PostgreSQL transaction id")]
    [InlineData("Transaction", "2", "is not a transaction: a PostgreSQL transaction id")]
    [InlineData("Transaction", "99999999999", "is not a transaction: a PostgreSQL transaction id")]
    [InlineData("Transaction", "0-1", "or a MariaDB GTID")]
    public void A_value_that_is_not_a_target_of_its_kind_says_what_it_should_be(string kind, string text, string expected)
    {
        Assert.Null(RecoveryTarget.Parse(Enum.Parse<RecoveryTargetKind>(kind), text, inclusive: true, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mariadb_gtid_is_a_position_or_a_transaction_and_says_it_is_one()
    {
        var transaction = RecoveryTarget.Parse(RecoveryTargetKind.Transaction, "0-1-42", inclusive: true, out _)!;
        Assert.True(transaction.IsGtid);
        Assert.Equal("0-1-42", transaction.Value);
        Assert.True(RecoveryTarget.Parse(RecoveryTargetKind.Position, "1-3-7", inclusive: false, out _)!.IsGtid);
        Assert.False(RecoveryTarget.Parse(RecoveryTargetKind.Transaction, "742", inclusive: true, out _)!.IsGtid);
        Assert.False(RecoveryTarget.Parse(RecoveryTargetKind.Position, "0/3000148", inclusive: true, out _)!.IsGtid);
    }

    [Fact]
    public void A_position_is_kept_in_upper_case_and_exclusive_targets_say_so()
    {
        var target = RecoveryTarget.Parse(RecoveryTargetKind.Position, "0/3000a8", inclusive: false, out _)!;

        Assert.Equal("0/3000A8", target.Value);
        Assert.Null(target.Time);
        Assert.Equal("position 0/3000A8 (exclusive)", target.ToString());
    }
}
