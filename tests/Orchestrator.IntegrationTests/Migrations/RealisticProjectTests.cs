using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>
/// A realistic FluentMigrator project (tests/Bookshop.Migrations: 23 migrations, two schemas,
/// seeds, embedded scripts, per-database SQL, tags, a trigger and a function, a version table of
/// its own) migrates, rolls back to 0 and migrates again, every replica following each step.
/// </summary>
public abstract class RealisticProjectTests(TopologyFixture fixture) : MigrationTestBase(fixture)
{
    /// <summary>Untagged migrations and those tagged "demo"; the "reporting" one is left out.</summary>
    private const int Selected = 22;

    [Fact]
    public async Task The_bookshop_migrates_rolls_back_to_zero_and_migrates_again_on_every_replica()
    {
        var database = await NewDatabaseAsync();
        var env = Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.Bookshop, "demo");

        var (firstExit, first) = await Cli("migrate", env);
        Assert.True(firstExit == 0, first);
        await AssertMigratedAsync(database);

        var (rollbackExit, rollback) = await Cli("rollback", env, "--to", "0");
        Assert.True(rollbackExit == 0, rollback);
        Assert.Contains($"Rolled back {Selected} migrations", rollback, StringComparison.Ordinal);
        foreach (var node in new[] { "primary", "replica-1", "replica-2" })
        {
            Assert.Empty(await VersionsAsync(database, node));
            Assert.False(await TableExistsAsync(database, Dialect.InSchema("catalog", "books"), node));
        }

        var (againExit, again) = await Cli("migrate", env);
        Assert.True(againExit == 0, again);
        await AssertMigratedAsync(database);
        var (historyExit, history) = await Cli("history", env);
        Assert.Equal(0, historyExit);
        Assert.Equal(Selected, history.Split('\n').Count(l => l.Contains("unchanged", StringComparison.Ordinal)));
    }

    private async Task AssertMigratedAsync(string database)
    {
        foreach (var node in new[] { "primary", "replica-1", "replica-2" })
        {
            var versions = await VersionsAsync(database, node);
            Assert.Equal(Selected, versions.Count);
            Assert.DoesNotContain(202404020001L, versions);
            await using var session = await Topology.ConnectAsync(node, database);
            var total = (await session.QueryAsync($"SELECT total FROM {Dialect.InSchema("sales", "orders")}")).Single().GetDouble("total");
            Assert.Equal(37.48, total!.Value, 2);
            var inventory = (await session.QueryAsync($"SELECT title FROM {Dialect.InSchema("catalog", "inventory")} ORDER BY title")).Select(r => r.GetString("title"));
            Assert.Equal(["SPQR", "The Dispossessed"], inventory);
        }
    }

    private new async Task<IReadOnlyList<long>> VersionsAsync(string database, string node)
    {
        if (!await TableExistsAsync(database, Dialect.InSchema("meta", "schema_versions"), node))
        {
            return [];
        }

        await using var session = await Topology.ConnectAsync(node, database);
        return (await session.QueryAsync($"SELECT version AS v FROM {Dialect.InSchema("meta", "schema_versions")} ORDER BY 1")).Select(r => r.GetInt64("v")!.Value).ToList();
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRealisticProjectTests(PostgresTopologyFixture fixture) : RealisticProjectTests(fixture);

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbRealisticProjectTests(MariaDbTopologyFixture fixture) : RealisticProjectTests(fixture);
