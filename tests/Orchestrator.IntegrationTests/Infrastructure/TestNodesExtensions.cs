namespace Orchestrator.IntegrationTests.Infrastructure;

internal static class TestNodesExtensions
{
    /// <summary>Waits until <paramref name="node"/>'s table holds <paramref name="rows"/> rows (replicated, restored, rebuilt), failing the test after a generous timeout.</summary>
    public static Task WaitForRowsAsync(this ITestNodes nodes, string node, string table, long rows) =>
        TestTopology.EventuallyAsync(
            async () =>
            {
                await using var session = await nodes.ConnectAsync(node);
                return (await session.QueryAsync($"SELECT COUNT(*) AS n FROM {table}")).Single().GetInt64("n") == rows;
            },
            $"{node} has {rows} rows in {table}");
}
