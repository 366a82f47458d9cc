using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// A replica's container cut off the environment's network runs but answers nobody: up connects
/// it again rather than calling it running, and a rebuild connects it before it removes
/// anything, so the copy reaches it.
/// </summary>
public sealed class DockerNetworkCutTests
{
    [Theory]
    [InlineData(nameof(EngineKind.Postgres))]
    [InlineData(nameof(EngineKind.MariaDb))]
    public async Task Up_and_rebuild_reattach_a_replica_cut_off_the_network(string engineName)
    {
        var engine = Enum.Parse<EngineKind>(engineName);
        await using var docker = await DockerTestEnvironment.StartAsync($"it-docker-cut-{engine.ToText()}", nodes: 2, engine: engine);
        var args = new[] { "-e", docker.File, "--state-dir", docker.StateDir };
        await ExecuteAsync(docker, "primary", "CREATE TABLE kept (id int PRIMARY KEY)", "INSERT INTO kept VALUES (1)");
        await docker.WaitForRowsAsync("replica-1", "kept", 1);

        await docker.SetConnectedAsync("replica-1", connected: false);
        var (upExit, upOutput) = await CliRunner.RunAsync(["up", .. args]);
        Assert.True(upExit == 0, upOutput);
        Assert.Contains("reattach container", upOutput, StringComparison.Ordinal);
        await ExecuteAsync(docker, "primary", "INSERT INTO kept VALUES (2)");
        await docker.WaitForRowsAsync("replica-1", "kept", 2);
        var (statusExit, statusOutput) = await CliRunner.RunAsync(["status", .. args]);
        Assert.True(statusExit == 0, statusOutput);

        // Cut off again, then rebuilt: its container is reattached before its data is removed,
        // so the copy from the primary reaches it.
        await docker.SetConnectedAsync("replica-1", connected: false);
        var (rebuildExit, rebuildOutput) = await CliRunner.RunAsync(["replica", "rebuild", "replica-1", .. args]);
        Assert.True(rebuildExit == 0, rebuildOutput);
        await ExecuteAsync(docker, "primary", "INSERT INTO kept VALUES (3)");
        await docker.WaitForRowsAsync("replica-1", "kept", 3);
    }

    private static async Task ExecuteAsync(DockerTestEnvironment docker, string node, params string[] statements)
    {
        await using var session = await docker.ConnectAsync(node);
        foreach (var statement in statements)
        {
            await session.ExecuteAsync(statement);
        }
    }
}
