using System.Net;
using System.Net.Sockets;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Topology;

/// <summary>A node whose port another program holds is not started, and the refusal names that program.</summary>
public sealed class TakenPortTests : IDisposable
{
    private readonly string _directory = TestDirectory();

    // The servers' user must be able to enter it.
    private static string TestDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("orch-it-taken-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        return directory;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Up_refuses_a_port_another_process_listens_on_and_names_the_process()
    {
        var port = FreePorts.Take(1)[0];
        var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        try
        {
            var file = Path.Combine(_directory, "taken.yaml");
            await File.WriteAllTextAsync(file, $"name: taken\nengine: postgres\nprovider: local\ndatabase: app\nnodes:\n  - {{ name: primary, role: primary, port: {port} }}\n");

            var (exitCode, output) = await CliRunner.RunAsync("up", "-e", file, "--state-dir", Path.Combine(_directory, "state"));

            // A new environment: bad input, and nothing (passwords, the claim) left behind.
            Assert.True(exitCode == 2, output);
            Assert.False(Directory.Exists(Path.Combine(_directory, "state")), "no state directory was created");
            Assert.True(output.Contains("(PostgreSQL, 1 node)", StringComparison.Ordinal), output);
            Assert.True(output.Contains($"node 'primary' is to listen on 127.0.0.1:{port}, but something else already listens on 127.0.0.1:{port} (pid {Environment.ProcessId} (", StringComparison.Ordinal), output);
        }
        finally
        {
            squatter.Stop();
        }
    }
}
