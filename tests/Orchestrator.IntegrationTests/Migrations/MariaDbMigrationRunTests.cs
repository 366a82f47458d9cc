using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbMigrationRunTests(MariaDbTopologyFixture fixture) : MigrationRunTests(fixture)
{
    [Fact]
    public async Task A_migration_failing_at_its_third_schema_change_resumes_at_it_once_corrected_and_after_a_kill_that_lost_a_record()
    {
        var (broken, database) = await EnvironmentAsync("resume-broken");
        var (exitCode, output) = await Cli("migrate", broken);
        Assert.True(exitCode == 1, output);
        Assert.Contains("run migrate again: it goes on at statement 3.", output, StringComparison.Ordinal);

        // The correction goes to the third statement only; the first two are not run again (they
        // would fail: their tables exist).
        var fixedFile = Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, "resume-fixed");
        var (fixedExit, fixedOutput) = await Cli("migrate", fixedFile);
        Assert.True(fixedExit == 0, fixedOutput);
        Assert.Contains("9841 ThreeTablesFixed: an earlier run did statements 1 to 2 of 3; going on at statement 3", fixedOutput, StringComparison.Ordinal);
        Assert.Equal([9841], await VersionsAsync(database, "replica-2"));
        Assert.True(await TableExistsAsync(database, "resume_three", "replica-2"));

        // A kill right after a schema change committed, before its record: the state it leaves is
        // the failed run's with the second record gone. The schema shows the second table, so the
        // rerun counts it done.
        var (again, second) = await EnvironmentAsync("resume-broken");
        Assert.Equal(1, (await Cli("migrate", again)).ExitCode);
        await using (var session = await Topology.ConnectAsync("primary", second))
        {
            await session.ExecuteAsync("DELETE FROM orchestrator_progress WHERE version = 9841 AND step = 1");
        }

        var (killedExit, killedOutput) = await Cli("migrate", Topology.WriteMigrationEnvironment(second, "assembly", BuiltArtifacts.TestMigrations, "resume-fixed"));
        Assert.True(killedExit == 0, killedOutput);
        Assert.Contains("an earlier run did statements 1 to 1 of 3, and statement 2 too (its effect is in the schema); going on at statement 3", killedOutput, StringComparison.Ordinal);
        Assert.Equal([9841], await VersionsAsync(second, "replica-2"));

        // A kill right after the first schema change: only the mark that the migration started.
        var (third, firstOnly) = await EnvironmentAsync("resume-broken");
        Assert.Equal(1, (await Cli("migrate", third)).ExitCode);
        await using (var session = await Topology.ConnectAsync("primary", firstOnly))
        {
            await session.ExecuteAsync("DROP TABLE resume_two");
            await session.ExecuteAsync("DELETE FROM orchestrator_progress WHERE version = 9841 AND step >= 0");
        }

        var (firstExit, firstOutput) = await Cli("migrate", Topology.WriteMigrationEnvironment(firstOnly, "assembly", BuiltArtifacts.TestMigrations, "resume-fixed"));
        Assert.True(firstExit == 0, firstOutput);
        Assert.Contains("an earlier run started it (3 statements), and statement 1 is done (its effect is in the schema); going on at statement 2", firstOutput, StringComparison.Ordinal);
        Assert.Equal([9841], await VersionsAsync(firstOnly, "replica-2"));
    }

    /// <summary>
    /// Creations that no later statement undoes are not recorded as they run (each record would
    /// cost a commit); a failure records them, and a rerun after a kill finds them in the schema.
    /// A trigger on the progress table shows the order in which the rows were written.
    /// </summary>
    [Fact]
    public async Task Creations_the_schema_shows_are_recorded_only_when_the_migration_fails_and_a_kill_is_resumed_from_the_schema()
    {
        var (env, database) = await EnvironmentAsync("evident");
        await using var session = await Topology.ConnectAsync("primary", database);
        await session.ExecuteAsync(
            "CREATE TABLE orchestrator_progress (`version` BIGINT NOT NULL, `step` INT NOT NULL, `checksum` CHAR(64) NOT NULL, `done_on` DATETIME NOT NULL, PRIMARY KEY (`version`, `step`)) ENGINE=InnoDB");
        await session.ExecuteAsync("CREATE TABLE progress_written (id INT AUTO_INCREMENT PRIMARY KEY, step INT NOT NULL)");
        await session.ExecuteAsync("CREATE TRIGGER progress_written_on_insert AFTER INSERT ON orchestrator_progress FOR EACH ROW INSERT INTO progress_written (step) VALUES (NEW.step)");
        await session.ExecuteAsync("CREATE TABLE evident_clash (id INT PRIMARY KEY)");

        var (exitCode, output) = await Cli("migrate", env);
        Assert.True(exitCode == 1, output);
        Assert.True(output.Contains("run migrate again: it goes on at statement 4.", StringComparison.Ordinal), output);

        // As it ran: the start and the row (committed with its record); the two creations only
        // once the last statement had failed.
        var written = (await session.QueryAsync("SELECT step FROM progress_written ORDER BY id")).Select(r => r.GetInt64("step")!.Value).ToList();
        Assert.Equal([-1L, 2L, 0L, 1L], written);

        // What a kill right after the index leaves: the start mark, the two creations, no row.
        await session.ExecuteAsync("DELETE FROM orchestrator_progress WHERE version = 9861 AND step >= 0");
        await session.ExecuteAsync("DELETE FROM evident_one");
        await session.ExecuteAsync("DROP TABLE evident_clash");
        var (againExit, again) = await Cli("migrate", env);
        Assert.True(againExit == 0, again);
        Assert.True(again.Contains("9861 EvidentCreations: an earlier run started it (4 statements), and statements 1 to 2 are done (their effects are in the schema); going on at statement 3", StringComparison.Ordinal), again);
        Assert.Equal([9861], await VersionsAsync(database, "replica-2"));
        Assert.Equal(1, (await session.QueryAsync("SELECT COUNT(*) AS n FROM evident_one")).Single().GetInt64("n"));
        Assert.True(await TableExistsAsync(database, "evident_clash", "replica-2"));
    }

    /// <summary>
    /// The first run changed a table created earlier in that run as written; in the rerun the
    /// table is old, and its online form would differ from what was done. Seen after a failover
    /// in the fault campaign: the rerun refused, the statement "had changed".
    /// </summary>
    [Fact]
    public async Task A_migration_started_as_written_on_a_table_new_in_its_run_goes_on_as_written()
    {
        var (broken, database) = await EnvironmentAsync("grown-broken");
        var (exitCode, output) = await Cli("migrate", broken);
        Assert.True(exitCode == 1, output);
        Assert.Contains("it goes on at statement 2.", output, StringComparison.Ordinal);

        var (fixedExit, fixedOutput) = await Cli("migrate", Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, "grown-fixed"));
        Assert.True(fixedExit == 0, fixedOutput);
        Assert.Contains("9852 GrowTableFixed: an earlier run started it as written; it goes on in that form", fixedOutput, StringComparison.Ordinal);
        Assert.Contains("an earlier run did statements 1 to 1 of 2; going on at statement 2", fixedOutput, StringComparison.Ordinal);
        Assert.Equal([9851, 9852], await VersionsAsync(database, "replica-2"));
    }
}

[Collection(MariaDbOnDockerCollection.Name)]
public sealed class MariaDbOnDockerMigrationRunTests(MariaDbOnDockerFixture fixture) : MigrationRunTests(fixture);
