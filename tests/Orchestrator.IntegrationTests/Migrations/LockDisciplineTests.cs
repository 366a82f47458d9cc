using Orchestrator.Data;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>
/// A schema change behind a long transaction: the lock queue. Without a bound, the ALTER waits
/// for the reader and every writer of the table waits behind the ALTER.
/// </summary>
public abstract class LockDisciplineTests(TopologyFixture fixture) : MigrationTestBase(fixture)
{
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_schema_change_behind_a_long_transaction_lets_writers_through_names_the_blocker_and_lands_when_it_ends()
    {
        var (env, database) = await LockQueueEnvironmentAsync("lock_timeout: 1s", "lock_retries: 40");
        await using var reader = await OpenTransactionOnTargetAsync(database);
        var readerId = await SessionIdAsync(reader);
        await using var writer = await TimedWriter.StartAsync(Topology, database, $"INSERT INTO queue_target (id) VALUES ({(Dialect.Engine == "postgres" ? "$1" : "?")})");

        var migrate = Cli("migrate", env);
        await Task.Delay(Held);
        await reader.ExecuteAsync("COMMIT");
        var (exitCode, output) = await migrate;
        var (writes, longest) = await writer.StopAsync();

        Assert.True(exitCode == 0, output);
        Assert.Contains("waiting for a lock held by", output, StringComparison.Ordinal);
        Assert.Contains($"session {readerId} (", output, StringComparison.Ordinal);
        Assert.Contains("trying again in", output, StringComparison.Ordinal);
        Assert.Equal([9901, 9902], await VersionsAsync(database));
        Assert.True(await ColumnExistsAsync(database), "the column 9902 adds");

        // The writer went on all along: each insert waited about one lock timeout at most (MariaDB
        // counts it in whole seconds), far from the 10 s the blocker held; the second of spare is
        // for a two-core machine running other suites beside this one (1.68 s seen there).
        Assert.True(writes > 50, $"the writer committed {writes} rows");
        Assert.True(longest < TimeSpan.FromSeconds(2), $"an insert waited {longest.TotalSeconds:0.00} s behind the waiting schema change");
    }

    [Fact]
    public async Task When_the_retries_run_out_the_migration_fails_naming_the_blocker_and_nothing_of_it_stays()
    {
        var (env, database) = await LockQueueEnvironmentAsync("lock_timeout: 500ms", "lock_retries: 2");
        await using var reader = await OpenTransactionOnTargetAsync(database);
        var readerId = await SessionIdAsync(reader);

        var (exitCode, output) = await Cli("migrate", env);
        await reader.ExecuteAsync("ROLLBACK");

        Assert.True(exitCode == 1, output);
        Assert.Contains("migration 9902 AlterQueueTarget", output, StringComparison.Ordinal);
        Assert.Contains("3 tries each gave up waiting", output, StringComparison.Ordinal);
        Assert.Contains($"session {readerId} (", output, StringComparison.Ordinal);
        Assert.Contains("End that session's transaction", output, StringComparison.Ordinal);
        Assert.Equal([9901], await VersionsAsync(database));
        Assert.False(await ColumnExistsAsync(database), "the column 9902 adds");
    }

    /// <summary>A database with 9901 applied (the busy table) and the given lock settings.</summary>
    private async Task<(string File, string Database)> LockQueueEnvironmentAsync(params string[] settings)
    {
        var database = await NewDatabaseAsync();
        var env = Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, ["lock-queue"], settings);
        var (exitCode, output) = await Cli("migrate", env, "--to", "9901");
        Assert.True(exitCode == 0, output);
        return (env, database);
    }

    /// <summary>A session that read the table in a transaction it keeps open: it holds a lock every writer shares and a schema change cannot.</summary>
    private async Task<IDbSession> OpenTransactionOnTargetAsync(string database)
    {
        var session = await Topology.ConnectAsync("primary", database);
        await session.ExecuteAsync(Dialect.Engine == "postgres" ? "BEGIN" : "START TRANSACTION");
        await session.QueryAsync("SELECT COUNT(*) AS n FROM queue_target");
        return session;
    }

    private async Task<long> SessionIdAsync(IDbSession session) =>
        (await session.QueryAsync(Dialect.Engine == "postgres" ? "SELECT pg_backend_pid() AS id" : "SELECT CONNECTION_ID() AS id")).Single().GetInt64("id")!.Value;

    private async Task<bool> ColumnExistsAsync(string database)
    {
        await using var session = await Topology.ConnectAsync("primary", database);
        try
        {
            await session.QueryAsync("SELECT note FROM queue_target WHERE 1 = 0");
            return true;
        }
        catch (DatabaseException)
        {
            return false;
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLockDisciplineTests(PostgresTopologyFixture fixture) : LockDisciplineTests(fixture);

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbLockDisciplineTests(MariaDbTopologyFixture fixture) : LockDisciplineTests(fixture);

[Collection(PostgresOnDockerCollection.Name)]
public sealed class PostgresOnDockerLockDisciplineTests(PostgresOnDockerFixture fixture) : LockDisciplineTests(fixture);

[Collection(MariaDbOnDockerCollection.Name)]
public sealed class MariaDbOnDockerLockDisciplineTests(MariaDbOnDockerFixture fixture) : LockDisciplineTests(fixture);
