using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Servers;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// A failed primary rejoins after ordinary traffic on the new primary: checkpoints there
/// recycle the WAL written since the failover, except what the failover's slot for the fenced
/// node keeps, which is what its rewind and replay start from.
/// </summary>
public abstract class RejoinAfterWalRecyclingTests
{
    private readonly string _name;
    private readonly ProviderKind _provider;

    private protected RejoinAfterWalRecyclingTests(string name, ProviderKind provider)
    {
        _name = name;
        _provider = provider;
    }

    [Fact]
    public async Task A_failed_primary_rejoins_after_the_new_primary_recycled_the_wal_written_since_the_failover()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.Postgres, _name, provider: _provider);
        await topology.KillServerAsync("primary");
        var failover = await topology.Local().FailoverAsync(null, CancellationToken.None);
        Assert.True(failover.Succeeded, string.Join("; ", failover.Changes.Select(c => $"{c.Node} {c.Action} {c.Result} {c.Detail}")));

        // About 100 MB of WAL, each part in segments of its own, each followed by a checkpoint
        // that recycles the segments before it.
        await using (var session = await topology.ConnectAsync("replica-1"))
        {
            await session.ExecuteAsync("CREATE TABLE filler (id int, pad text)");
            for (var round = 0; round < 6; round++)
            {
                await session.ExecuteAsync("INSERT INTO filler SELECT g, repeat('x', 500) FROM generate_series(1, 30000) g");
                await session.ExecuteAsync("SELECT pg_switch_wal()");
                await session.ExecuteAsync("CHECKPOINT");
            }
        }

        var rejoin = await topology.Local().RejoinAsync("primary", CancellationToken.None);

        Assert.True(rejoin.Succeeded, string.Join("; ", rejoin.Changes.Select(c => $"{c.Node} {c.Action} {c.Result} {c.Detail}")));
        var status = await topology.StatusAsync();
        Assert.Equal(ObservedRole.Replica, status.Node("primary").Role);
        Assert.Equal("replica-1", status.Node("primary").ReplicatingFrom);
        await TestTopology.EventuallyAsync(
            async () =>
            {
                await using var session = await topology.ConnectAsync("primary");
                return (await session.QueryAsync("SELECT COUNT(*) AS n FROM filler")).Single().GetInt64("n") == 180000;
            },
            "the rejoined primary has every row written since the failover");
    }
}

public sealed class LocalRejoinAfterWalRecyclingTests() : RejoinAfterWalRecyclingTests("it-pg-walgap", ProviderKind.Local);

public sealed class DockerRejoinAfterWalRecyclingTests() : RejoinAfterWalRecyclingTests("it-dpg-walgap", ProviderKind.Docker);
