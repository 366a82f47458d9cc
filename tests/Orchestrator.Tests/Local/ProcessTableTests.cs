using Orchestrator.Local;
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
}
