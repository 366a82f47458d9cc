using Orchestrator.Cli;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.Tests.Cli;

public sealed class RoleChangeReportTests
{
    private static readonly RoleChangeOutcome Done = new(
        RoleChangeKind.Switchover,
        [new NodeChange("primary", NodeAction.Promote, ChangeResult.Done)],
        TimeSpan.FromSeconds(1)) { NewPrimary = "primary" };

    [Theory]
    [InlineData(true, "in the shape the environment file describes again")]
    [InlineData(false, "'status' marks where the servers differ")]
    public void A_done_role_change_says_whether_the_servers_match_the_file(bool matches, string expected)
    {
        using var writer = new StringWriter();

        var exitCode = RoleChangeReport.Print(PlainConsole.Create(writer), Done, json: false, shapeMatchesFile: matches);

        Assert.Equal(0, exitCode);
        Assert.Contains(expected, writer.ToString(), StringComparison.Ordinal);
    }
}
