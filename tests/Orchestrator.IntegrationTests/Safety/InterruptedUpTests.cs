using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// An up interrupted part-way leaves a node's server running before the node's setup completed
/// (its 'initialized' marker is missing). The next up knows it for the environment's own, stops it
/// and sets the node up afresh, rather than refusing a "stranger" on the node's port.
/// </summary>
public abstract class InterruptedUpTests
{
    private readonly EngineKind _engine;
    private readonly string _name;

    private protected InterruptedUpTests(EngineKind engine, string name)
    {
        _engine = engine;
        _name = name;
    }

    [Fact]
    public async Task Up_after_an_interrupted_up_sets_up_the_half_made_node_again()
    {
        var topology = await TestTopology.StartAsync(_engine, _name);
        await using var cleanup = topology;
        var args = new[] { "-e", topology.File, "--state-dir", topology.StateDir };
        File.Delete(topology.State.InitializedMarker(topology.Environment.Node("replica-2")));

        var (exitCode, output) = await CliRunner.RunAsync(["up", .. args]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("stop the server an interrupted 'up' left running", output, StringComparison.Ordinal);
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE after_the_interruption (id int)");
        }

        await TestTopology.EventuallyAsync(
            async () =>
            {
                await using var session = await topology.ConnectAsync("replica-2");
                await session.QueryAsync("SELECT 1 FROM after_the_interruption WHERE 1 = 0");
                return true;
            },
            "replica-2, set up again, replicates");
        Assert.Equal("replica-1", (await topology.StatusAsync()).Node("replica-2").ReplicatingFrom);
    }
}

public sealed class PostgresInterruptedUpTests() : InterruptedUpTests(EngineKind.Postgres, "it-pg-interrupted");

public sealed class MariaDbInterruptedUpTests() : InterruptedUpTests(EngineKind.MariaDb, "it-maria-interrupted");
