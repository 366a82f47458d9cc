namespace Orchestrator.Tests.Cli;

public sealed class PluralTests
{
    [Theory]
    [InlineData(0, "0 tables")]
    [InlineData(1, "1 table")]
    [InlineData(2, "2 tables")]
    public void A_count_takes_its_noun_in_the_right_number(long count, string text) =>
        Assert.Equal(text, Counted.Of(count, "table"));

    [Fact]
    public void An_irregular_plural_is_given() =>
        Assert.Equal("3 indexes", Counted.Of(3, "index", "indexes"));

    [Fact]
    public async Task Validate_says_1_shard_and_1_replica_not_1_shards()
    {
        var dir = Directory.CreateTempSubdirectory("orch-plural-").FullName;
        try
        {
            var file = Path.Combine(dir, "one-shard.yaml");
            File.WriteAllText(file, """
                name: one-shard
                engine: postgres
                database: app
                shards:
                  count: 1
                  name: shard-{n}
                  port: 55600
                  nodes:
                    - { name: primary, role: primary }
                """);

            var (exitCode, output) = await CliRunner.RunAsync("validate", "-e", file);

            Assert.Equal(0, exitCode);
            Assert.Contains("1 shard (1 node):", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
