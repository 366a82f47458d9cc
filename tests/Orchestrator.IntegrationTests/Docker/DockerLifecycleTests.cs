using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Hosts;
using Orchestrator.Topology;

namespace Orchestrator.IntegrationTests.Docker;

/// <summary>A docker environment of its own: down stops the containers and keeps the volumes, up brings the data back, down --purge removes everything the tool created.</summary>
public sealed class DockerLifecycleTests
{
    [Theory]
    [InlineData(nameof(EngineKind.Postgres))]
    [InlineData(nameof(EngineKind.MariaDb))]
    public async Task Down_keeps_the_data_on_its_volumes_up_brings_it_back_and_purge_removes_containers_volumes_and_network(string engineName)
    {
        var engine = Enum.Parse<EngineKind>(engineName);
        await using var docker = await DockerTestEnvironment.StartAsync($"it-docker-life-{engine.ToText()}", nodes: 2, engine: engine);
        var args = new[] { "-e", docker.File, "--state-dir", docker.StateDir };
        await using (var primary = await docker.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync("CREATE TABLE kept (id int PRIMARY KEY)");
            await primary.ExecuteAsync("INSERT INTO kept VALUES (1)");
        }

        // A frozen node cannot be stopped cleanly: down refuses, stopping nothing, until it is thawed.
        await docker.PauseAsync("replica-1");
        var (frozenExit, frozenOutput) = await CliRunner.RunAsync(["down", .. args]);
        await docker.Docker.Containers.UnpauseContainerAsync(docker.Container("replica-1"));
        Assert.True(frozenExit == 1, frozenOutput);
        Assert.Contains("node 'replica-1' is frozen (its container is paused)", frozenOutput, StringComparison.Ordinal);
        Assert.All((await docker.OwnedAsync()).Containers, c => Assert.Equal("running", c.State));

        var (downExit, downOutput) = await CliRunner.RunAsync(["down", .. args]);
        Assert.True(downExit == 0, downOutput);
        Assert.Contains("is down (2 nodes stopped)", downOutput, StringComparison.Ordinal);
        var (stopped, keptVolumes, _) = await docker.OwnedAsync();
        Assert.Equal(2, stopped.Count);
        Assert.All(stopped, c => Assert.Equal("exited", c.State));
        Assert.Equal(2, keptVolumes.Count);
        var (statusExit, statusOutput) = await CliRunner.RunAsync(["status", .. args]);
        Assert.True(statusExit == 1, statusOutput);
        var explained = await StatusReader.ExplainHostsAsync(docker.Environment, await docker.StatusAsync(), CancellationToken.None);
        Assert.Equal([("primary", HostCondition.Stopped), ("replica-1", HostCondition.Stopped)], explained.HostNotes.Select(h => (h.Node, h.Condition)));
        Assert.Equal(["primary", "replica-1"], explained.Notes.Where(n => n.Kind == StatusNoteKind.Host).SelectMany(n => n.Nodes));

        var (upExit, upOutput) = await CliRunner.RunAsync(["up", .. args]);
        Assert.True(upExit == 0, upOutput);
        Assert.Contains("started 2", upOutput, StringComparison.Ordinal);
        await TestTopology.EventuallyAsync(async () => await KeptRowsAsync(docker, "replica-1") == 1, "the replica has the row written before down");
        var status = await docker.StatusAsync();
        Assert.Equal("primary", status.Node("replica-1").ReplicatingFrom);

        // A logical backup restored after a later change brings the table back as it was, on the replica too (cloned afresh).
        var backup = Path.Combine(docker.Directory, "backup");
        var (backupExit, backupOutput) = await CliRunner.RunAsync(["backup", .. args, "--out", backup]);
        Assert.True(backupExit == 0, backupOutput);
        await using (var primary = await docker.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync("INSERT INTO kept VALUES (2)");
        }

        // The rehearsal restores it into a scratch node in a container of the same image, removed afterwards.
        var (rehearseExit, rehearseOutput) = await CliRunner.RunAsync("rehearse", "-e", docker.File, "--backup", backup);
        Assert.True(rehearseExit == 0, rehearseOutput);
        Assert.Contains($"create container orch-scratch-", rehearseOutput, StringComparison.Ordinal);
        Assert.Contains($"({docker.Image}, ", rehearseOutput, StringComparison.Ordinal);

        // This rehearsal's own scratch container (other tests may rehearse meanwhile, each with its own).
        var scratch = System.Text.RegularExpressions.Regex.Match(rehearseOutput, @"create container (orch-scratch-\S+)").Groups[1].Value;
        Assert.StartsWith("orch-scratch-", scratch, StringComparison.Ordinal);
        var left = await docker.Docker.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters { All = true });
        Assert.DoesNotContain(left, c => c.Names.Contains($"/{scratch}"));

        var (restoreExit, restoreOutput) = await CliRunner.RunAsync(["restore", .. args, "--backup", backup]);
        Assert.True(restoreExit == 0, restoreOutput);
        Assert.Contains("replica-1    removed its data", restoreOutput, StringComparison.Ordinal);
        await TestTopology.EventuallyAsync(async () => await KeptRowsAsync(docker, "replica-1") == 1, "the replica has the restored table");

        // A physical backup, read in replica-1's container, restored over a later change: the primary
        // recovers from the copy (copied into its container), and the replica is cloned from it.
        var physical = Path.Combine(docker.Directory, "physical");
        var (physicalExit, physicalOutput) = await CliRunner.RunAsync(["backup", .. args, "--kind", "physical", "--out", physical]);
        Assert.True(physicalExit == 0, physicalOutput);
        Assert.True(Directory.EnumerateFiles(Path.Combine(physical, "data"), "*", SearchOption.AllDirectories).Count() > 10, "the data directory was copied out of the container");
        await using (var primary = await docker.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync("INSERT INTO kept VALUES (3)");
        }

        var (physicalRestoreExit, physicalRestoreOutput) = await CliRunner.RunAsync(["restore", .. args, "--backup", physical]);
        Assert.True(physicalRestoreExit == 0, physicalRestoreOutput);
        Assert.Equal(1, await KeptRowsAsync(docker, "primary"));
        await TestTopology.EventuallyAsync(async () => await KeptRowsAsync(docker, "replica-1") == 1, "the replica has the physical backup's table");
        Assert.Equal("primary", (await docker.StatusAsync()).Node("replica-1").ReplicatingFrom);

        // Even with its state directory deleted by hand, a purge finds what the tool created by its labels.
        Directory.Delete(docker.StateDir, recursive: true);
        foreach (var command in new[] { "up", "status", "down" })
        {
            // New passwords would lock everyone out of the running servers: refused, saying what to do.
            var (lostExit, lostOutput) = await CliRunner.RunAsync([command, .. args]);
            Assert.True(lostExit == 2, $"{command}: {lostOutput}");
            Assert.Contains("has no passwords for them (secrets.json is gone", lostOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(docker.StateDir, "secrets.json")), $"{command} wrote new passwords");
        }

        var (purgeExit, purgeOutput) = await CliRunner.RunAsync(["down", .. args, "--purge"]);
        Assert.True(purgeExit == 0, purgeOutput);
        Assert.Contains("removed container", purgeOutput, StringComparison.Ordinal);
        var (containers, volumes, networks) = await docker.OwnedAsync();
        Assert.Empty(containers);
        Assert.Empty(volumes);
        Assert.Empty(networks);
        Assert.False(Directory.Exists(docker.StateDir));
    }

    [Fact]
    public async Task Only_what_carries_this_environments_labels_is_used_and_a_bad_image_is_named()
    {
        var directory = Directory.CreateTempSubdirectory("orch-it-docker-owned-").FullName;
        var suffix = Path.GetFileName(directory)[^6..].ToLowerInvariant();
        using var docker = await DockerEngine.ConnectAsync(CancellationToken.None);
        var ports = FreePorts.Take(4);
        string File(string name, string node, int port, string image = DockerTestEnvironment.PostgresImage, string engine = "postgres")
        {
            var path = Path.Combine(directory, $"{name}.yaml");
            System.IO.File.WriteAllText(path, $"name: {name}\nengine: {engine}\nprovider: docker\nimage: {image}\ndatabase: app\nnodes:\n  - {{ name: {node}, role: primary, port: {port} }}\n");
            return path;
        }

        var squatted = File($"sq-{suffix}", "primary", ports[0]);
        var pair = File($"pq-{suffix}-r", "primary", ports[1]);
        var clashing = File($"pq-{suffix}", "r-primary", ports[2]);
        var bare = File($"bare-{suffix}", "primary", ports[0], "orchestrator/debian:bookworm");
        var bareMariaDb = File($"bm-{suffix}", "primary", ports[3], "orchestrator/debian:bookworm", "mariadb");
        var squatter = $"orch-sq-{suffix}-primary";
        await docker.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters { Name = squatter, Image = DockerTestEnvironment.PostgresImage, Entrypoint = ["sleep"], Cmd = ["infinity"] });
        await docker.Containers.StartContainerAsync(squatter, new global::Docker.DotNet.Models.ContainerStartParameters());
        try
        {
            // A container of the same name made by hand: refused by up, left running by down.
            var (upExit, upOutput) = await CliRunner.RunAsync("up", "-e", squatted, "--state-dir", Path.Combine(directory, "sq"));
            Assert.True(upExit == 1, upOutput);
            Assert.Contains($"a Docker container named {squatter} exists but was not created by this tool", upOutput, StringComparison.Ordinal);
            var (downExit, downOutput) = await CliRunner.RunAsync("down", "-e", squatted, "--state-dir", Path.Combine(directory, "sq"), "--purge");
            Assert.True(downExit == 0, downOutput);
            Assert.True((await docker.Containers.InspectContainerAsync(squatter)).State?.Running, "the hand-made container still runs");

            // Two environments whose container names meet: the second is refused, the first untouched.
            var (pairExit, pairOutput) = await CliRunner.RunAsync("up", "-e", pair, "--state-dir", Path.Combine(directory, "pair"));
            Assert.True(pairExit == 0, pairOutput);
            var (clashExit, clashOutput) = await CliRunner.RunAsync("up", "-e", clashing, "--state-dir", Path.Combine(directory, "clash"));
            Assert.True(clashExit == 1, clashOutput);
            Assert.Contains($"belongs to environment 'pq-{suffix}-r'", clashOutput, StringComparison.Ordinal);

            // The same environment from another state directory (its passwords are not there): refused, naming the right one.
            var (otherExit, otherOutput) = await CliRunner.RunAsync("down", "-e", pair, "--state-dir", Path.Combine(directory, "elsewhere"), "--purge");
            Assert.True(otherExit == 1, otherOutput);
            Assert.Contains($"run the command with --state-dir {Path.Combine(directory, "pair")}", otherOutput, StringComparison.Ordinal);
            var (statusExit, statusOutput) = await CliRunner.RunAsync("status", "-e", pair, "--state-dir", Path.Combine(directory, "pair"));
            Assert.True(statusExit == 0, statusOutput);

            // An image without PostgreSQL is named as such.
            var (bareExit, bareOutput) = await CliRunner.RunAsync("up", "-e", bare, "--state-dir", Path.Combine(directory, "bare"));
            Assert.True(bareExit == 1, bareOutput);
            Assert.Contains("image orchestrator/debian:bookworm of node 'primary' has no 'postgres' account or no /usr/lib/postgresql/15/bin/postgres", bareOutput, StringComparison.Ordinal);
            var (bareMariaDbExit, bareMariaDbOutput) = await CliRunner.RunAsync("up", "-e", bareMariaDb, "--state-dir", Path.Combine(directory, "bare-maria"));
            Assert.True(bareMariaDbExit == 1, bareMariaDbOutput);
            Assert.Contains("has no 'mysql' account or no /usr/sbin/mariadbd; use an image of the engine's version with its standard layout (mariadb:10.11, or orchestrator/mariadb:10.11", bareMariaDbOutput, StringComparison.Ordinal);
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(squatter, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
            foreach (var (file, state) in new[] { (pair, "pair"), (clashing, "clash"), (bare, "bare"), (bareMariaDb, "bare-maria") })
            {
                await CliRunner.RunAsync("down", "-e", file, "--state-dir", Path.Combine(directory, state), "--purge");
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long?> KeptRowsAsync(DockerTestEnvironment docker, string node)
    {
        await using var session = await docker.ConnectAsync(node);
        return (await session.QueryAsync("SELECT count(*) AS n FROM kept")).Single().GetInt64("n");
    }
}
