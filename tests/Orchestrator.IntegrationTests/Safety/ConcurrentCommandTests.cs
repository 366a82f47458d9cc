using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Processes;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// Two commands that change one state directory at once: the second waits for the first,
/// naming it, instead of both running initdb into the same data directory.
/// </summary>
public sealed class ConcurrentCommandTests : IDisposable
{
    private readonly string _directory = TestDirectory();

    // The servers' user must be able to enter it.
    private static string TestDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("orch-it-concurrent-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        return directory;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_ups_of_a_new_environment_at_once_both_succeed_one_after_the_other()
    {
        var ports = FreePorts.Take(2);
        var file = Path.Combine(_directory, "twice.yaml");
        await File.WriteAllTextAsync(file, $"name: twice\nengine: postgres\nprovider: local\ndatabase: app\nnodes:\n  - {{ name: primary, role: primary, port: {ports[0]} }}\n  - {{ name: replica-1, role: replica, source: primary, port: {ports[1]} }}\n");
        var args = new[] { "-e", file, "--state-dir", Path.Combine(_directory, "state") };
        try
        {
            var first = RunAsync(["up", .. args]);
            var second = RunAsync(["up", .. args]);
            var results = await Task.WhenAll(first, second);

            Assert.All(results, r => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}:\n{r.StandardOutput}\n{r.StandardError}"));
            Assert.Contains(results, r => r.StandardOutput.Contains("waiting for 'up' (pid", StringComparison.Ordinal));
            var status = await RunAsync(["status", .. args]);
            Assert.True(status.ExitCode == 0, status.StandardOutput + status.StandardError);
        }
        finally
        {
            await RunAsync(["down", .. args, "--purge"]);
        }
    }

    private static Task<ProcessResult> RunAsync(string[] args) =>
        ProcessRunner.RunAsync(new ProcessSpec("dotnet", [BuiltArtifacts.Cli, .. args]), CancellationToken.None);
}
