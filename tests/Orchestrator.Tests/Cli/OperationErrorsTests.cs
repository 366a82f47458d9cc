using Orchestrator.Cli;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Tests.Cli;

public sealed class OperationErrorsTests
{
    [Fact]
    public void Strict_refusing_applied_migrations_whose_sql_changed_is_bad_input()
    {
        // Nothing was applied: the refusal is of the input, as the README's migrate row says (2).
        var known = OperationErrors.Classify(new ChecksumMismatchException("applied migrations changed since they were applied: 1 A (--strict)"));

        Assert.Equal(ExitCodes.BadInput, known?.Code);
    }

    [Fact]
    public void Strict_refusing_what_the_plan_warns_about_is_bad_input()
    {
        var known = OperationErrors.Classify(new ReplicationSafetyException([]));

        Assert.Equal(ExitCodes.BadInput, known?.Code);
    }
}
