namespace Orchestrator.Tests.Cli;

/// <summary>An option that would have no effect, or a duration no timer can wait, is bad input, not silently dropped or a crash.</summary>
public sealed class IgnoredOptionTests
{
    private static readonly string Unsharded = Path.Combine(RepositoryPaths.Environments, "local.yaml");

    [Fact]
    public async Task Status_interval_without_watch_is_bad_input()
    {
        var (exitCode, output) = await CliRunner.RunAsync("status", "-e", Unsharded, "--interval", "5s");

        Assert.Equal(2, exitCode);
        Assert.Contains("--interval sets how often --watch reads; add --watch, or leave --interval out", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_watch_interval_out_of_range_names_the_range()
    {
        var (exitCode, output) = await CliRunner.RunAsync("status", "-e", Unsharded, "--watch", "--interval", "100000000h");

        Assert.Equal(2, exitCode);
        Assert.Contains("--interval '100000000h' is out of range: it must be from 100ms to 1h", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_table_interval_out_of_range_names_the_range()
    {
        var (exitCode, output) = await CliRunner.RunAsync("metrics", "-e", Unsharded, "--table-interval", "100000000h");

        Assert.Equal(2, exitCode);
        Assert.Contains("--table-interval '100000000h' is out of range: it must be from 1s to 24h", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate", "--canary", "1", "--canary applies only to a sharded environment, and 'local' has no shards; leave it out")]
    [InlineData("rollback", "--on-failure", "continue", "--on-failure applies only to a sharded environment")]
    [InlineData("plan", "--parallel", "2", "--parallel applies only to a sharded environment")]
    public async Task A_shard_option_on_an_unsharded_environment_is_bad_input(string verb, string option, string value, string expected)
    {
        string[] args = verb == "rollback" ? [verb, "-e", Unsharded, "--to", "0", option, value] : [verb, "-e", Unsharded, option, value];

        var (exitCode, output) = await CliRunner.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }
}
