using Orchestrator.Hosts.Local;
using Orchestrator.Processes;

namespace Orchestrator.Tests.Local;

public sealed class ProcessTableTests
{
    [Fact]
    public async Task A_shell_working_in_a_directory_is_not_reported_as_a_server()
    {
        var dir = Directory.CreateTempSubdirectory("orch-proc-").FullName;
        try
        {
            using var cancel = new CancellationTokenSource();
            var sleeper = ProcessRunner.RunAsync(new ProcessSpec("sleep", ["5"]) { WorkingDirectory = dir }, cancel.Token);
            await Task.Delay(200);

            Assert.Empty(ProcessTable.WorkingIn(dir));

            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleeper);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_process_listening_on_a_port_is_named_by_its_pid()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            var holder = ProcessTable.ListenerOn(port);
            Assert.NotNull(holder);
            Assert.StartsWith($"pid {Environment.ProcessId} (", holder, StringComparison.Ordinal);

            listener.Stop();
            Assert.Null(ProcessTable.ListenerOn(port));
        }
        finally
        {
            listener.Stop();
        }
    }
}
