using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Topology;

namespace Orchestrator.IntegrationTests.Docker;

/// <summary>A docker environment of its own: down stops the containers and keeps the volumes, up brings the data back, down --purge removes everything the tool created.</summary>
public sealed class DockerLifecycleTests
{
    [Fact]
    public async Task Down_keeps_the_data_on_its_volumes_up_brings_it_back_and_purge_removes_containers_volumes_and_network()
    {
        await using var docker = await DockerTestEnvironment.StartAsync("it-docker-life", nodes: 2);
        var args = new[] { "-e", docker.File, "--state-dir", docker.StateDir };
        await using (var primary = await docker.ConnectAsync("primary"))
        {
            await primary.ExecuteAsync("CREATE TABLE kept (id int PRIMARY KEY)");
            await primary.ExecuteAsync("INSERT INTO kept VALUES (1)");
        }

        var (downExit, downOutput) = await CliRunner.RunAsync(["down", .. args]);
        Assert.True(downExit == 0, downOutput);
        Assert.Contains("is down (2 nodes stopped)", downOutput, StringComparison.Ordinal);
        var (stopped, keptVolumes, _) = await docker.OwnedAsync();
        Assert.Equal(2, stopped.Count);
        Assert.All(stopped, c => Assert.Equal("exited", c.State));
        Assert.Equal(2, keptVolumes.Count);

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
        Assert.Contains($"({DockerTestEnvironment.Image}, ", rehearseOutput, StringComparison.Ordinal);
        var left = await docker.Docker.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters { All = true });
        Assert.DoesNotContain(left, c => c.Names.Any(n => n.StartsWith("/orch-scratch-", StringComparison.Ordinal)));

        var (restoreExit, restoreOutput) = await CliRunner.RunAsync(["restore", .. args, "--backup", backup]);
        Assert.True(restoreExit == 0, restoreOutput);
        Assert.Contains("replica-1    removed its data", restoreOutput, StringComparison.Ordinal);
        await TestTopology.EventuallyAsync(async () => await KeptRowsAsync(docker, "replica-1") == 1, "the replica has the restored table");

        // Even with its state directory deleted by hand, a purge finds what the tool created by its labels.
        Directory.Delete(docker.StateDir, recursive: true);
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
    public async Task A_physical_backup_of_a_docker_environment_is_refused_before_anything_is_taken()
    {
        var directory = Directory.CreateTempSubdirectory("orch-it-docker-refuse-").FullName;
        try
        {
            var file = Path.Combine(directory, "d.yaml");
            await File.WriteAllTextAsync(file, "name: d\nengine: postgres\nprovider: docker\ndatabase: app\nnodes:\n  - { name: primary, role: primary, port: 1 }\n  - { name: replica-1, role: replica, source: primary, port: 2 }\n");
            var (exitCode, output) = await CliRunner.RunAsync("backup", "--kind", "physical", "-e", file, "--state-dir", Path.Combine(directory, "state"), "--out", Path.Combine(directory, "backup"));
            Assert.True(exitCode == 2, output);
            Assert.Contains("a physical backup is not available for docker environments yet", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(directory, "backup")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long?> KeptRowsAsync(DockerTestEnvironment docker, string node)
    {
        await using var session = await docker.ConnectAsync(node);
        return (await session.QueryAsync("SELECT count(*) AS n FROM kept")).Single().GetInt64("n");
    }
}
