using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFluentMigratorConformanceTests(PostgresTopologyFixture fixture) : FluentMigratorConformanceTests(fixture)
{
    [Fact]
    public async Task Identity_columns_take_explicit_ids_when_the_insert_overrides_them()
    {
        var (env, database) = await EnvironmentAsync("postgres-identity");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.True(exitCode == 0, output);
        await using var session = await Topology.ConnectAsync("primary", database);
        Assert.Equal(42, (await session.QueryAsync("SELECT id FROM ids_always")).Single().GetInt64("id"));
        Assert.Equal(7, (await session.QueryAsync("SELECT id FROM ids_by_default")).Single().GetInt64("id"));
    }

    [Fact]
    public async Task An_older_dialect_keeps_serial_identity_columns_for_seeds_with_explicit_ids()
    {
        var (strictEnv, strictDatabase) = await EnvironmentAsync("explicit-ids");
        var (strictExit, strict) = await Cli("migrate", strictEnv);
        Assert.Equal(1, strictExit);
        Assert.Contains("cannot insert a non-DEFAULT value into column \"id\"", strict, StringComparison.Ordinal);
        Assert.Empty(await VersionsAsync(strictDatabase));

        var database = await NewDatabaseAsync();
        var env = Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, ["explicit-ids"], ["dialect: postgres"]);
        var (planExit, plan) = await Cli("plan", env);
        Assert.Equal(0, planExit);
        Assert.Contains("\"id\" serial NOT NULL", plan, StringComparison.Ordinal);
        var (exitCode, output) = await Cli("migrate", env);
        Assert.True(exitCode == 0, output);
        Assert.Equal([14001], await VersionsAsync(database, "replica-2"));
    }
}
