using Docker.DotNet.Models;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.State;
using Orchestrator.Topology;
using Orchestrator.Engines;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// A docker fence is more than a killed container: someone who starts the old primary's container
/// and its server by hand after a failover finds a server that refuses the tool's accounts'
/// writes, as a local fenced node does.
/// </summary>
public sealed class DockerFenceTests
{
    [Theory]
    [InlineData(nameof(EngineKind.Postgres))]
    [InlineData(nameof(EngineKind.MariaDb))]
    public async Task A_fenced_primary_started_by_hand_in_its_container_refuses_writes(string engineName)
    {
        var engine = Enum.Parse<EngineKind>(engineName);
        await using var docker = await DockerTestEnvironment.StartAsync($"it-docker-fence-{engine.ToText()}", nodes: 2, engine: engine);
        await docker.PauseAsync("primary");
        var outcome = await docker.Local().FailoverAsync(null, CancellationToken.None);
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Changes.Select(c => $"{c.Node} {c.Action} {c.Result} {c.Detail}")));

        // By hand: the container, then its server, as the image's account.
        await docker.Docker.Containers.StartContainerAsync(docker.Container("primary"), new ContainerStartParameters());
        var node = docker.Environment.Node("primary");
        using var hosting = new DockerNodeHosting(docker.Environment, new StateLayout(docker.StateDir), EngineRegistry.For(engine).Descriptor.Server!, SilentProgress.Instance);
        var host = await hosting.OpenAsync(create: false, CancellationToken.None);
        var paths = host.Paths(node);
        var server = engine == EngineKind.Postgres
            ? new ProcessSpec("/usr/lib/postgresql/15/bin/postgres", ["-D", paths.DataDir])
            : new ProcessSpec("/usr/sbin/mariadbd", [$"--defaults-file={paths.InNode("my.cnf")}"]);
        await host.StartDetachedAsync(node, server, paths.InNode("by-hand.log"), CancellationToken.None);

        IDbSession? session = null;
        await TestTopology.EventuallyAsync(
            async () =>
            {
                try
                {
                    session = await docker.ConnectAsync("primary");
                    return true;
                }
                catch (DatabaseException)
                {
                    return false;
                }
            },
            "the old primary, started by hand, answers");
        await using (session)
        {
            var refused = await Assert.ThrowsAsync<DatabaseException>(() => session!.ExecuteAsync("CREATE TABLE written_after_the_fence (id int)"));
            Assert.Contains(engine == EngineKind.Postgres ? "read-only transaction" : "read-only", refused.Message, StringComparison.Ordinal);

            // Lifting the fence by hand (pg_promote(); read_only off as root over the socket) makes a
            // split brain, which status names and a rebuild from the recorded fence ends.
            if (engine == EngineKind.Postgres)
            {
                await session!.ExecuteAsync("SELECT pg_promote()");
            }
            else
            {
                var root = new ConnectionTarget(node.Host, node.Port, System.Environment.UserName, null, null, host.SocketForTool(node, "mariadb.sock"));
                await using var rootSession = await EngineRegistry.For(engine).ConnectAsync(root, CancellationToken.None);
                await rootSession.ExecuteAsync("SET GLOBAL read_only = OFF");
            }
        }

        await TestTopology.EventuallyAsync(async () => (await docker.StatusAsync()).SplitBrain, "status sees two writable nodes");
        var args = new[] { "-e", docker.File, "--state-dir", docker.StateDir };
        var (statusExit, status) = await CliRunner.RunAsync(["status", .. args]);
        Assert.True(statusExit == 1, status);
        Assert.Equal(["primary", "replica-1"], Assert.Single((await docker.StatusAsync()).Notes, n => n.Kind == StatusNoteKind.SplitBrain).Nodes.Order());
        var (rebuildExit, rebuild) = await CliRunner.RunAsync(["replica", "rebuild", "primary", .. args]);
        Assert.True(rebuildExit == 0, rebuild);
        var after = await docker.StatusAsync();
        Assert.False(after.SplitBrain);
        Assert.Equal("replica-1", after.Node("primary").ReplicatingFrom);
    }
}
