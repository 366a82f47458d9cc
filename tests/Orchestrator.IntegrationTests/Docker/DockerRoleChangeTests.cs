using Docker.DotNet.Models;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Servers;
using Orchestrator.Topology;
using Xunit.Abstractions;
using Orchestrator.Replication;
using Orchestrator.Topology.RoleChanges;

namespace Orchestrator.IntegrationTests.Docker;

/// <summary>
/// Role changes of docker environments of their own (primary, replica-1 synchronous, or
/// semi-synchronous on MariaDB, replica-2 cascading), for each engine, with a client and a client
/// container writing throughout that record every acknowledged commit, and a sampler checking that
/// no two nodes ever accept writes at once. A failover loses no acknowledged write.
/// </summary>
public sealed class DockerRoleChangeTests(ITestOutputHelper output)
{
    private const int MinimumCompleteRounds = 20;

    [Theory]
    [InlineData(nameof(EngineKind.Postgres))]
    [InlineData(nameof(EngineKind.MariaDb))]
    public async Task Switchover_to_the_cascading_replica_and_back_loses_no_acknowledged_write(string engineName)
    {
        var engine = Enum.Parse<EngineKind>(engineName);
        await using var docker = await DockerTestEnvironment.StartAsync($"it-docker-sw-{engine.ToText()}", syncReplica: true, admitClientContainers: true, engine: engine);
        await using var writer = await BackgroundWriter.StartAsync(docker);
        await using var containerWriter = await ContainerWriter.StartAsync(docker);
        await using var sampler = new WritableSampler(docker);
        await writer.WaitForMoreAsync(200, "primary");
        await containerWriter.WaitForMoreAsync(20);

        var away = await docker.Local().SwitchoverAsync("replica-2", CancellationToken.None);
        Assert.True(away.Succeeded, Describe(away));
        await writer.WaitForMoreAsync(200, "replica-2");
        var moved = await docker.StatusAsync();
        Assert.Equal(ObservedRole.Primary, moved.Node("replica-2").Role);
        Assert.Equal("replica-2", moved.Node("primary").ReplicatingFrom);
        Assert.Equal("replica-2", moved.Node("replica-1").ReplicatingFrom);

        var back = await docker.Local().SwitchoverAsync("primary", CancellationToken.None);
        Assert.True(back.Succeeded, Describe(back));
        await writer.WaitForMoreAsync(200, "primary");
        await containerWriter.WaitForMoreAsync(20);
        var acknowledged = await writer.StopAsync();
        var fromContainer = await containerWriter.StopAsync();

        Assert.Empty(await writer.MissingOnAsync("primary"));
        Assert.Empty(await ContainerWriter.MissingOnAsync(docker, "primary", fromContainer));
        foreach (var replica in new[] { "replica-1", "replica-2" })
        {
            await TestTopology.EventuallyAsync(async () => (await writer.MissingOnAsync(replica)).Count == 0, $"{replica} has every acknowledged write");
        }

        var restored = await docker.StatusAsync();
        Assert.All(restored.Nodes, n => Assert.Equal((int)n.ExpectedRole, (int?)n.Role));
        Assert.Equal("replica-1", restored.Node("replica-2").ReplicatingFrom);
        sampler.AssertSampled(MinimumCompleteRounds);
        output.WriteLine($"switchover windows {away.WriteRefusedWindow?.TotalMilliseconds:0} ms and {back.WriteRefusedWindow?.TotalMilliseconds:0} ms; {acknowledged.Count} acknowledged writes, {fromContainer.Count} from the writer container; {sampler.Summary}");
    }

    [Theory]
    [InlineData(nameof(EngineKind.Postgres), "pause")]
    [InlineData(nameof(EngineKind.MariaDb), "pause")]
    [InlineData(nameof(EngineKind.MariaDb), "kill")]
    public async Task A_frozen_or_killed_primary_is_fenced_by_failover_without_losing_an_acknowledged_write_and_rejoins_as_a_replica(string engineName, string fault)
    {
        var engine = Enum.Parse<EngineKind>(engineName);
        await using var docker = await DockerTestEnvironment.StartAsync($"it-docker-fo-{engine.ToText()}-{fault}", syncReplica: true, admitClientContainers: true, engine: engine);
        await using var writer = await BackgroundWriter.StartAsync(docker);
        await using var containerWriter = await ContainerWriter.StartAsync(docker);
        await using var sampler = new WritableSampler(docker);
        await writer.WaitForMoreAsync(300, "primary");
        await containerWriter.WaitForMoreAsync(20);

        if (fault == "pause")
        {
            await docker.PauseAsync("primary");
        }
        else
        {
            await docker.Docker.Containers.KillContainerAsync(docker.Container("primary"), new ContainerKillParameters { Signal = "SIGKILL" });
        }

        var outcome = await docker.Local().FailoverAsync(null, CancellationToken.None);
        Assert.True(outcome.Succeeded, Describe(outcome));
        Assert.Equal("replica-1", outcome.NewPrimary);
        Assert.Contains(outcome.Changes, c => c.Node == "primary" && c.Action == NodeAction.Fence && c.Result == ChangeResult.Done);

        // The frozen container was killed: it never thaws into a second writable primary.
        var fenced = await docker.Docker.Containers.InspectContainerAsync(docker.Container("primary"));
        Assert.False(fenced.State?.Running);
        await writer.WaitForMoreAsync(200, "replica-1");
        await containerWriter.WaitForMoreAsync(20);
        var lost = await writer.MissingOnAsync("replica-1");
        var fromContainer = await containerWriter.StopAsync();
        var lostFromContainer = await ContainerWriter.MissingOnAsync(docker, "replica-1", fromContainer);
        output.WriteLine($"failover after {fault} lost {lost.Count} of {writer.Acknowledged.Count} acknowledged writes and {lostFromContainer.Count} of {fromContainer.Count} from the writer container (synchronous replica)");
        Assert.Empty(lost);
        Assert.Empty(lostFromContainer);

        // up leaves the fenced node's container stopped.
        var up = await docker.UpAsync();
        Assert.Contains(up.Nodes, n => n.Node == "primary" && n.Action == NodeUpAction.Fenced);
        Assert.False((await docker.Docker.Containers.InspectContainerAsync(docker.Container("primary"))).State?.Running);

        // A semi-synchronous MariaDB primary recovers in the replica role: the commits it held
        // unacknowledged are discarded, so nothing of its own is left to refuse the rejoin for.
        var rejoin = await docker.Local().RejoinAsync("primary", CancellationToken.None);
        Assert.True(rejoin.Succeeded, Describe(rejoin));

        await writer.WaitForMoreAsync(200, "replica-1");
        await writer.StopAsync();
        var status = await docker.StatusAsync();
        Assert.Equal(ObservedRole.Replica, status.Node("primary").Role);
        Assert.Equal("replica-1", status.Node("primary").ReplicatingFrom);
        await TestTopology.EventuallyAsync(async () => (await writer.MissingOnAsync("primary")).Count == 0, "the rejoined primary has every acknowledged write");
        await TestTopology.EventuallyAsync(() => Task.FromResult(sampler.CompleteRounds >= MinimumCompleteRounds), "the sampler heard every node again");
        sampler.AssertSampled(MinimumCompleteRounds);
        output.WriteLine($"{writer.Acknowledged.Count} acknowledged writes, {fromContainer.Count} from the writer container; {sampler.Summary}");
    }

    private static string Describe(RoleChangeOutcome outcome) =>
        $"{outcome.Refusal?.Message} {string.Join("; ", outcome.Changes.Select(c => $"{c.Node} {c.Action} {c.Result} {c.Detail}"))}";
}
