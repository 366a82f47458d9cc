using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationRunTests(PostgresTopologyFixture fixture) : MigrationRunTests(fixture)
{
    [Fact]
    public async Task Concurrently_inside_a_transaction_is_refused_before_anything_runs()
    {
        var (env, database) = await EnvironmentAsync("concurrently-in-transaction");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.Equal(2, exitCode);
        Assert.Contains("migration 4001 IndexConcurrentlyInTransaction: CREATE INDEX CONCURRENTLY cannot run inside a transaction; declare it [Migration(4001, TransactionBehavior.None)]", output, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));
    }
}

[Collection(PostgresOnDockerCollection.Name)]
public sealed class PostgresOnDockerMigrationRunTests(PostgresOnDockerFixture fixture) : MigrationRunTests(fixture);
