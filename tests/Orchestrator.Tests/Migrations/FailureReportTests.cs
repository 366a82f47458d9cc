using Orchestrator.Data;
using Orchestrator.Migrations.Running;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Tests.Migrations;

/// <summary>What a failed migration's report says stayed applied where schema changes commit one by one, and where a rerun goes on.</summary>
public sealed class FailureReportTests
{
    private static readonly TranslatedMigration Migration = new(
        Project.Versioned(7),
        [new SqlStep("CREATE TABLE `a` (`id` INT)"), new SqlStep("INSERT INTO `a` VALUES (1)"), new SqlStep("CREATE TABLE `b` (`id` INT)")],
        [],
        false);

    private static readonly DatabaseException Clash = new("statement failed: Table 'b' already exists (MariaDB error 1050)", "1050");

    [Fact]
    public void Without_records_read_back_the_row_change_after_the_last_schema_change_counts_as_rolled_back()
    {
        var report = FailureReport.Describe(Migration, recorded: true, failedStep: 2, Clash, up: true, transactional: true, transactionalDdl: false, resumable: true);

        Assert.Contains("  1. CREATE TABLE `a` (`id` INT)", report, StringComparison.Ordinal);
        Assert.DoesNotContain("  2. INSERT", report, StringComparison.Ordinal);
        Assert.Contains("it goes on at statement 2.", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_records_tell_that_the_failing_schema_change_committed_the_row_change_before_it()
    {
        var report = FailureReport.Describe(Migration, recorded: true, failedStep: 2, Clash, up: true, transactional: true, transactionalDdl: false, resumable: true, recordedDone: 2);

        Assert.Contains("  2. INSERT INTO `a` VALUES (1)", report, StringComparison.Ordinal);
        Assert.Contains("it goes on at statement 3.", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_statement_the_server_could_not_parse_left_the_row_change_rolled_back_and_the_records_say_so()
    {
        var report = FailureReport.Describe(Migration, recorded: true, failedStep: 2, Clash, up: true, transactional: true, transactionalDdl: false, resumable: true, recordedDone: 1);

        Assert.DoesNotContain("  2. INSERT", report, StringComparison.Ordinal);
        Assert.Contains("it goes on at statement 2.", report, StringComparison.Ordinal);
    }
}
