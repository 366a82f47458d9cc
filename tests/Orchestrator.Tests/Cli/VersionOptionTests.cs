namespace Orchestrator.Tests.Cli;

public sealed class VersionOptionTests
{
    [Theory]
    [InlineData("rollback")]
    [InlineData("migrate")]
    [InlineData("plan")]
    public async Task A_negative_version_is_bad_input_before_anything_is_read(string verb)
    {
        var (exitCode, output) = await CliRunner.RunAsync(verb, "-e", "no-such-file.yaml", "--to", "-5");

        Assert.Equal(2, exitCode);
        Assert.Contains("--to -5 is not a migration version", output, StringComparison.Ordinal);
    }
}
