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

    [Theory]
    [InlineData("plan", "--to", "99999999999999999999999", "--to 99999999999999999999999 is out of range (0 to 9223372036854775807); it takes a migration version")]
    [InlineData("migrate", "--parallel", "99999999999", "--parallel 99999999999 is out of range (1 to 2147483647); it takes a number of shards")]
    [InlineData("migrate", "--canary", "3000000000", "--canary 3000000000 is out of range (0 to 2147483647); it takes a number of shards")]
    public async Task A_number_too_large_is_out_of_range_naming_the_range(string verb, string option, string value, string expected)
    {
        var (exitCode, output) = await CliRunner.RunAsync(verb, "-e", "no-such-file.yaml", option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("not a whole number", output, StringComparison.Ordinal);
    }
}
