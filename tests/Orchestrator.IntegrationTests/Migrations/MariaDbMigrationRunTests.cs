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
