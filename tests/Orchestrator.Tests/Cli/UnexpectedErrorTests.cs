namespace Orchestrator.Tests.Cli;

public sealed class UnexpectedErrorTests
{
    [Fact]
    public async Task An_unanticipated_failure_exits_1_with_one_line_and_writes_the_detail_to_a_file()
    {
        // A state directory that is a file: the machine refuses to create anything under it.
        var file = Path.GetTempFileName();
        try
        {
            var (exitCode, output) = await CliRunner.RunAsync("up", "-e", Path.Combine(RepositoryPaths.Environments, "local.yaml"), "--state-dir", file);

            Assert.Equal(1, exitCode);
            var error = output.Split('\n').Single(l => l.StartsWith("error: ", StringComparison.Ordinal));
            Assert.Contains("unexpected IOException", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            var detail = error[(error.IndexOf("details in ", StringComparison.Ordinal) + "details in ".Length)..].TrimEnd(')', ' ', '\r');
            Assert.True(File.Exists(detail), $"no detail file: {error}");
            var text = await File.ReadAllTextAsync(detail);
            Assert.Contains("System.IO.IOException", text, StringComparison.Ordinal);
            Assert.Contains(" at ", text, StringComparison.Ordinal);
            File.Delete(detail);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
