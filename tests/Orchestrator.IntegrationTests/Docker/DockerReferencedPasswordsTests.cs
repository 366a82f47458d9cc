using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Docker;

/// <summary>
/// A docker environment whose file gives its passwords by reference (what a team sharing the
/// file does): its state directory never holds passwords, and every command still works, from
/// status to a role change and back to down --purge.
/// </summary>
public sealed class DockerReferencedPasswordsTests
{
    [Theory]
    [InlineData(nameof(EngineKind.Postgres))]
    [InlineData(nameof(EngineKind.MariaDb))]
    public async Task Every_command_works_when_the_file_gives_the_passwords(string engineName)
    {
        var engine = Enum.Parse<EngineKind>(engineName);
        await using var docker = await DockerTestEnvironment.StartAsync($"it-docker-refpw-{engine.ToText()}", nodes: 2, engine: engine, passwordsByReference: true);
        var args = new[] { "-e", docker.File, "--state-dir", docker.StateDir };
        Assert.False(File.Exists(Path.Combine(docker.StateDir, "secrets.json")));

        foreach (var command in new[] { new[] { "status" }, ["migrate"], ["switchover", "--to", "replica-1"], ["switchover", "--to", "primary"], ["replica", "rebuild", "replica-1"], ["down"], ["up"], ["status"] })
        {
            var (exitCode, output) = await CliRunner.RunAsync([.. command, .. args]);
            Assert.True(exitCode == 0, $"{string.Join(' ', command)} exited {exitCode}: {output}");
        }

        var (purgeExit, purgeOutput) = await CliRunner.RunAsync(["down", .. args, "--purge"]);
        Assert.True(purgeExit == 0, purgeOutput);
        var (containers, volumes, networks) = await docker.OwnedAsync();
        Assert.Empty(containers);
        Assert.Empty(volumes);
        Assert.Empty(networks);
    }
}
