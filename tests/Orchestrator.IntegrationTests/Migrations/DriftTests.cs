using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>drift: fingerprints of replicas against their primary, one environment against another, a live database against its migrations.</summary>
public abstract class DriftTests(TopologyFixture fixture) : MigrationTestBase(fixture)
{
    [Fact]
    public async Task After_migrate_every_replica_has_its_primarys_schema_fingerprint()
    {
        var (env, _) = await EnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);

        var (exitCode, output) = await Cli("drift", env, "--json");

        Assert.True(exitCode == 0, output);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("drift").GetBoolean());
        var fingerprints = json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("fingerprint").GetString()).ToList();
        Assert.Equal(3, fingerprints.Count);
        Assert.Single(fingerprints.Distinct());
        Assert.All(json.RootElement.GetProperty("comparisons").EnumerateArray(), c => Assert.Equal(0, c.GetProperty("differences").GetArrayLength()));
    }

    [Fact]
    public async Task Drift_between_two_environments_reports_exactly_the_column_that_differs()
    {
        var (a, _) = await EnvironmentAsync("basic");
        var (b, databaseB) = await EnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", a)).ExitCode);
        Assert.Equal(0, (await Cli("migrate", b)).ExitCode);
        var (equalExit, equal) = await Cli("drift", a, "-e", b);
        Assert.True(equalExit == 0, equal);

        await using (var session = await Topology.ConnectAsync("primary", databaseB))
        {
            await session.ExecuteAsync("ALTER TABLE widgets ADD COLUMN extra int");
        }

        await TestTopology.EventuallyAsync(
            async () =>
            {
                await using var replica = await Topology.ConnectAsync("replica-2", databaseB);
                await replica.QueryAsync("SELECT extra FROM widgets");
                return true;
            },
            "replica-2 has the new column");
        var (exitCode, output) = await Cli("drift", a, "-e", b, "--json");

        Assert.Equal(1, exitCode);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var differences = json.RootElement.GetProperty("comparisons").EnumerateArray().SelectMany(c => c.GetProperty("differences").EnumerateArray()).ToList();
        var difference = Assert.Single(differences);
        Assert.EndsWith("widgets", difference.GetProperty("table").GetString(), StringComparison.Ordinal);
        Assert.Equal("column", difference.GetProperty("kind").GetString());
        Assert.Equal("extra", difference.GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, difference.GetProperty("left").ValueKind);
        Assert.StartsWith(Dialect.TransactionalDdl ? "integer NULL" : "int(11) NULL", difference.GetProperty("right").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_database_is_compared_with_what_its_applied_migrations_produce()
    {
        var (env, database) = await EnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env, "--to", "1003")).ExitCode);
        var (cleanExit, clean) = await Cli("drift", env, "--against-migrations");
        Assert.True(cleanExit == 0, clean);
        Assert.Contains("matches", clean, StringComparison.Ordinal);

        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            await session.ExecuteAsync("ALTER TABLE widgets ADD COLUMN hand_made int");
        }

        await TestTopology.EventuallyAsync(
            async () =>
            {
                await using var replica = await Topology.ConnectAsync("replica-2", database);
                await replica.QueryAsync("SELECT hand_made FROM widgets");
                return true;
            },
            "replica-2 has the hand-made column");
        var (exitCode, output) = await Cli("drift", env, "--against-migrations", "--json");

        Assert.Equal(1, exitCode);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var comparison = json.RootElement.GetProperty("comparisons").EnumerateArray()
            .Single(c => c.GetProperty("left").GetString()!.EndsWith("migrations (scratch)", StringComparison.Ordinal));
        var difference = Assert.Single(comparison.GetProperty("differences").EnumerateArray());
        Assert.Equal("hand_made", difference.GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, difference.GetProperty("left").ValueKind);
    }
}
