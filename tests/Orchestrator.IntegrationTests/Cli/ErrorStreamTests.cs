using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Processes;

namespace Orchestrator.IntegrationTests.Cli;

/// <summary>The command line as a script runs it: what a command produces on standard output, why it failed on standard error.</summary>
public sealed class ErrorStreamTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orch-it-streams-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Errors_go_to_standard_error_and_leave_standard_output_empty()
    {
        var broken = Path.Combine(_directory, "broken.yaml");
        await File.WriteAllTextAsync(broken, "name: broken\nengine: postgres\ndatabase: app\nshards: []\n");
        var sharded = Path.Combine(_directory, "sharded.yaml");
        await File.WriteAllTextAsync(sharded, "name: sharded\nengine: postgres\ndatabase: app\nshards: { count: 2, port: 56900, nodes: [ { name: primary, role: primary } ] }\n");

        var invalid = await RunAsync("validate", "-e", broken);
        var unknownShard = await RunAsync("status", "-e", sharded, "--json", "--shard", "nope", "--state-dir", Path.Combine(_directory, "state"));
        var unknownOption = await RunAsync("status", "--no-such-option");

        foreach (var (result, expected) in new[] { (invalid, "'shards' must be a non-empty list"), (unknownShard, "no shard 'nope'"), (unknownOption, "--no-such-option") })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Equal("", result.StandardOutput);
            Assert.Contains("error:", result.StandardError, StringComparison.Ordinal);
            Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task What_a_command_produces_stays_on_standard_output()
    {
        var valid = Path.Combine(_directory, "valid.yaml");
        await File.WriteAllTextAsync(valid, "name: valid\nengine: postgres\ndatabase: app\nshards: { count: 2, port: 56900, nodes: [ { name: primary, role: primary } ] }\n");

        var result = await RunAsync("validate", "-e", valid);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2 shards", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("", result.StandardError);
    }

    private static Task<ProcessResult> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync(new ProcessSpec("dotnet", [BuiltArtifacts.Cli, .. args]), CancellationToken.None);
}
