using Orchestrator.Hosts.Docker;
using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Docker;

/// <summary>A docker environment declared as a shard template: every shard's containers, a migration fanned out to each shard's replica, and a purge of all of them.</summary>
public sealed class DockerShardTests
{
    [Fact]
    public async Task A_shard_template_of_a_docker_environment_comes_up_migrates_every_shards_replica_and_purges_everything()
    {
        var directory = Directory.CreateTempSubdirectory("orch-it-docker-shards-").FullName;
        var name = $"dsh-{Path.GetFileName(directory)[^6..].ToLowerInvariant()}";
        // The template takes consecutive ports from the first.
        var first = FreePorts.TakeBlock(4);

        var file = Path.Combine(directory, "shards.yaml");
        await File.WriteAllTextAsync(file, $"""
            name: {name}
            engine: postgres
            provider: docker
            image: {DockerTestEnvironment.PostgresImage}
            database: app
            migrations:
              assembly: {BuiltArtifacts.TestMigrations}
              tags: [basic]
            replication:
              replay_timeout: 30s
            shards:
              count: 2
              name: shard-{"{n}"}
              port: {first}
              nodes:
                - {"{"} name: primary, role: primary {"}"}
                - {"{"} name: replica, role: replica, source: primary {"}"}
            """);
        var args = new[] { "-e", file, "--state-dir", Path.Combine(directory, "state") };
        try
        {
            var (upExit, upOutput) = await CliRunner.RunAsync(["up", .. args]);
            Assert.True(upExit == 0, upOutput);
            Assert.Contains("2 of 2 shards ok", upOutput, StringComparison.Ordinal);

            var (migrateExit, migrateOutput) = await CliRunner.RunAsync(["migrate", .. args]);
            Assert.True(migrateExit == 0, migrateOutput);
            foreach (var shard in new[] { "shard-1", "shard-2" })
            {
                var status = await CliRunner.RunAsync(["status", .. args, "--shard", shard, "--json"]);
                Assert.True(status.ExitCode == 0, status.Output);
                Assert.Contains("\"schemaVersion\": 1004", status.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            var (downExit, downOutput) = await CliRunner.RunAsync(["down", .. args, "--purge"]);
            Directory.Delete(directory, recursive: true);
            Assert.True(downExit == 0, downOutput);
        }

        using var docker = await DockerEngine.ConnectAsync(CancellationToken.None);
        var left = await docker.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters { All = true });
        Assert.DoesNotContain(left, c => c.Names.Any(n => n.StartsWith($"/orch-{name}.", StringComparison.Ordinal)));
    }
}
