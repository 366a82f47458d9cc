using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// down while a migration runs: down says it interrupts a migration, and migrate reports the
/// migration that failed (exit 1), not the lock release on the dead connection.
/// </summary>
public abstract class DownDuringMigrationTests
{
    private readonly EngineKind _engine;
    private readonly string _name;

    private protected DownDuringMigrationTests(EngineKind engine, string name)
    {
        _engine = engine;
        _name = name;
    }

    [Fact]
    public async Task Down_says_it_interrupts_a_running_migration_and_migrate_names_it()
    {
        var topology = await TestTopology.StartAsync(_engine, _name);
        await using var cleanup = topology;
        var env = topology.WriteMigrationEnvironment("app", "assembly", BuiltArtifacts.TestMigrations, "slow");
        var args = new[] { "-e", env, "--state-dir", topology.StateDir };
        var migrate = CliRunner.RunAsync(["migrate", .. args]);
        await TestTopology.EventuallyAsync(
            async () =>
            {
                await using var session = await topology.ConnectAsync("primary");
                var sql = _engine == EngineKind.Postgres
                    ? "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND pid <> pg_backend_pid()"
                    : "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP(30)%'";
                return (await session.QueryAsync(sql)).Single().GetInt64("n") == 1;
            },
            "the slow migration runs");

        var (downExit, down) = await CliRunner.RunAsync(["down", .. args]);
        var (migrateExit, migrated) = await migrate;

        Assert.True(downExit == 0, down);
        Assert.Contains("a migration is running on 'app'", down, StringComparison.Ordinal);
        Assert.True(migrateExit == 1, migrated);
        Assert.Contains("9801", migrated, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", migrated, StringComparison.Ordinal);
    }
}

public sealed class PostgresDownDuringMigrationTests() : DownDuringMigrationTests(EngineKind.Postgres, "it-pg-downmig");

public sealed class MariaDbDownDuringMigrationTests() : DownDuringMigrationTests(EngineKind.MariaDb, "it-maria-downmig");
