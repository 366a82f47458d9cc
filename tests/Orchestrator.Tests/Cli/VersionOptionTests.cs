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

    [Theory]
    [InlineData("rollback", "--to", "abc", "--to 'abc' is not a whole number; it takes a migration version")]
    [InlineData("plan", "--to", "12x", "--to '12x' is not a whole number")]
    [InlineData("migrate", "--parallel", "x", "--parallel 'x' is not a whole number; it takes a number of shards")]
    [InlineData("migrate", "--canary", "one", "--canary 'one' is not a whole number")]
    public async Task A_number_option_given_something_else_is_bad_input_with_a_plain_message(string verb, string option, string value, string expected)
    {
        var (exitCode, output) = await CliRunner.RunAsync(verb, "-e", "no-such-file.yaml", option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", output, StringComparison.Ordinal);
    }
}
