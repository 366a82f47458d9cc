using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>migrate, rollback, plan and history on the primary: order, failures, concurrency, FluentMigrator continuation, bad input.</summary>
public abstract class MigrationRunTests(TopologyFixture fixture) : MigrationTestBase(fixture)
{
    [Fact]
    public async Task Apply_all_roll_back_to_zero_and_apply_again()
    {
        var (env, database) = await EnvironmentAsync("basic");

        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database));
        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            var colors = (await session.QueryAsync("SELECT color FROM widgets ORDER BY id")).Select(r => r.GetString("color"));
            Assert.Equal(["red", null], colors);
        }

        var (rollbackExit, rollbackOutput) = await Cli("rollback", env, "--to", "0");
        Assert.True(rollbackExit == 0, rollbackOutput);
        Assert.Empty(await VersionsAsync(database));
        Assert.False(await TableExistsAsync(database, "widgets"));

        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database));
        var (historyExit, history) = await Cli("history", env);
        Assert.Equal(0, historyExit);
        Assert.Contains("Index widget names", history, StringComparison.Ordinal);
        Assert.Contains("unchanged", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripts_with_several_statements_run_whole_and_roll_back()
    {
        var (env, database) = await EnvironmentAsync("script");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.True(exitCode == 0, output);
        foreach (var table in new[] { "script_a", "script_b", "report_a", "report_b" })
        {
            Assert.True(await TableExistsAsync(database, table), table);
        }

        Assert.Equal(0, (await Cli("rollback", env, "--to", "0")).ExitCode);
        Assert.False(await TableExistsAsync(database, "script_b"));
        Assert.False(await TableExistsAsync(database, "report_b"));
        Assert.Empty(await VersionsAsync(database));
    }

    [Fact]
    public async Task Migrate_to_a_middle_version_then_plan_and_apply_the_rest()
    {
        var (env, database) = await EnvironmentAsync("basic");

        Assert.Equal(0, (await Cli("migrate", env, "--to", "1002")).ExitCode);
        Assert.Equal([1001, 1002], await VersionsAsync(database));

        var (planExit, plan) = await Cli("plan", env);
        Assert.Equal(0, planExit);
        Assert.Contains("2 applied, 2 pending", plan, StringComparison.Ordinal);
        Assert.Contains("1003 SeedWidgets", plan, StringComparison.Ordinal);
        Assert.Contains("Nothing was executed", plan, StringComparison.Ordinal);
        Assert.Equal([1001, 1002], await VersionsAsync(database));

        Assert.Equal(0, (await Cli("rollback", env, "--to", "1001")).ExitCode);
        Assert.Equal([1001], await VersionsAsync(database));
        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database));
    }

    [Fact]
    public async Task A_failing_migration_leaves_the_version_table_consistent_and_names_the_statement()
    {
        var (env, database) = await EnvironmentAsync("failing");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.Equal(1, exitCode);
        Assert.Contains("migration 2002 BreakHalfway (Break half-way) failed during migrate at statement 3 of 3", output, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO no_such_table VALUES (1)", output, StringComparison.Ordinal);
        Assert.Equal([2001], await VersionsAsync(database));
        await using var session = await Topology.ConnectAsync("primary", database);
        Assert.Equal(0, (await session.QueryAsync("SELECT COUNT(*) AS n FROM gadgets")).Single().GetInt64("n"));
        Assert.Equal(!Dialect.TransactionalDdl, await TableExistsAsync(database, "half_done"));
        if (Dialect.TransactionalDdl)
        {
            Assert.Contains("Nothing of this migration stayed applied (its transaction was rolled back)", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("These statements ran before the failure and stay applied (this engine commits schema changes immediately):\n  1. CREATE TABLE `half_done`", output, StringComparison.Ordinal);
            Assert.Contains("They are recorded as done in orchestrator_progress, and the version row of 2002 was not written.", output, StringComparison.Ordinal);
            Assert.Contains("run migrate again: it goes on at statement 2.", output, StringComparison.Ordinal);
        }

        // Once the cause is fixed, the rerun goes on where the migration stopped: on MariaDB after
        // the committed CREATE TABLE (recorded), with the insert its failure rolled back.
        var (planExit, plan) = await Cli("plan", env);
        Assert.True(planExit == 0, plan);
        Assert.Equal(!Dialect.TransactionalDdl, plan.Contains("partly applied: an earlier run did 1 of its statements", StringComparison.Ordinal));
        var (historyExit, history) = await Cli("history", env);
        Assert.True(historyExit == 0, history);
        Assert.Equal(!Dialect.TransactionalDdl, history.Contains("partly applied: 1 of 3 statements", StringComparison.Ordinal));
        var (_, status) = await Cli("status", env, "--json");
        using (var json = System.Text.Json.JsonDocument.Parse(status))
        {
            var primary = json.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "primary");
            var inProgress = primary.GetProperty("migrationsInProgress").EnumerateArray().Select(m => (m.GetProperty("version").GetInt64(), m.GetProperty("statementsDone").GetInt32())).ToList();
            Assert.Equal(Dialect.TransactionalDdl ? [] : [(2002L, 1)], inProgress);
        }

        if (!Dialect.TransactionalDdl)
        {
            var (rollbackExit, rollback) = await Cli("rollback", env, "--to", "0");
            Assert.True(rollbackExit == 1, rollback);
            Assert.Contains("migration 2002 BreakHalfway is partly applied (an earlier migrate did 1 statement of it, then failed or was killed)", rollback, StringComparison.Ordinal);
            Assert.Equal([2001], await VersionsAsync(database));
        }

        await session.ExecuteAsync("CREATE TABLE no_such_table (id INT)");
        var (againExit, again) = await Cli("migrate", env);
        Assert.True(againExit == 0, again);
        Assert.Equal(!Dialect.TransactionalDdl, again.Contains("2002 BreakHalfway: an earlier run did statements 1 to 1 of 3; going on at statement 2", StringComparison.Ordinal));
        Assert.Equal([2001, 2002], await VersionsAsync(database, "replica-2"));
        Assert.Equal(1, (await session.QueryAsync("SELECT COUNT(*) AS n FROM gadgets")).Single().GetInt64("n"));
        if (!Dialect.TransactionalDdl)
        {
            Assert.Equal(0, (await session.QueryAsync("SELECT COUNT(*) AS n FROM orchestrator_progress")).Single().GetInt64("n"));
        }
    }

    [Fact]
    public async Task A_connection_cut_while_a_migration_runs_is_reported_with_the_migration_not_as_an_unexpected_error()
    {
        var (env, database) = await EnvironmentAsync("slow");
        var postgres = Dialect.Engine == "postgres";
        var migrate = Cli("migrate", env);

        await using var killer = await Topology.ConnectAsync("primary", null);
        var running = postgres
            ? $"SELECT pid AS id FROM pg_stat_activity WHERE datname = '{database}' AND query LIKE 'SELECT pg_sleep(30)%' AND pid <> pg_backend_pid()"
            : $"SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = '{database}' AND INFO LIKE 'DO SLEEP(30)%'";
        long? session = null;
        await TestTopology.EventuallyAsync(async () => (session = (await killer.QueryAsync(running)).FirstOrDefault()?.GetInt64("id")) is not null, "the migration's statement runs");
        await killer.ExecuteAsync(postgres ? $"SELECT pg_terminate_backend({session})" : $"KILL CONNECTION {session}");
        var (exitCode, output) = await migrate;

        Assert.True(exitCode == 1, output);
        Assert.Contains("9801", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection is not open", output, StringComparison.Ordinal);
        Assert.Equal([], await VersionsAsync(database));
    }

    [Fact]
    public async Task Waiting_once_per_run_migrations_run_together_and_a_failure_keeps_those_before_it()
    {
        var (failingEnv, failingDatabase) = await EnvironmentAsync("failing");
        WaitPerRun(failingEnv);

        var (failedExit, failed) = await Cli("migrate", failingEnv);

        Assert.Equal(1, failedExit);
        Assert.Contains("migration 2002 BreakHalfway (Break half-way) failed during migrate at statement 3 of 3", failed, StringComparison.Ordinal);
        Assert.Contains("✓ migrations   apply 2001 CreateGadgets", failed, StringComparison.Ordinal);
        Assert.Equal([2001], await VersionsAsync(failingDatabase));
        Assert.Equal(!Dialect.TransactionalDdl, await TableExistsAsync(failingDatabase, "half_done"));

        var (env, database) = await EnvironmentAsync("basic");
        WaitPerRun(env);
        var (exitCode, output) = await Cli("migrate", env);
        Assert.True(exitCode == 0, output);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, "replica-2"));
        var (historyExit, history) = await Cli("history", env);
        Assert.Equal(0, historyExit);
        Assert.Equal(4, history.Split('\n').Count(l => l.Contains("unchanged", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_migration_whose_definition_fails_only_at_its_turn_fails_the_run_and_keeps_those_before_it()
    {
        var (env, database) = await EnvironmentAsync("failing-late");
        var (planExit, plan) = await Cli("plan", env);
        Assert.Equal(0, planExit);
        Assert.Contains("asks the database", plan[plan.IndexOf("2102", StringComparison.Ordinal)..], StringComparison.Ordinal);

        var (exitCode, output) = await Cli("migrate", env);

        Assert.Equal(1, exitCode);
        Assert.Contains("late_probe already exists; refusing", output, StringComparison.Ordinal);
        Assert.Contains("stay applied", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing was changed", output, StringComparison.Ordinal);
        Assert.Equal([2101], await VersionsAsync(database));
        Assert.Equal([2101], await VersionsAsync(database, "replica-2"));

        // 2101 asks nothing; 2102 asks the database, so its SQL is never compared with a checksum.
        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            await session.ExecuteAsync("DROP TABLE late_probe");
        }

        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        var (_, history) = await Cli("history", env);
        Assert.Contains("not compared", history.Split('\n').Single(l => l.Contains("2102", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("unchanged", history.Split('\n').Single(l => l.Contains("2101", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eight_concurrent_migrate_processes_apply_each_migration_exactly_once()
    {
        var (env, database) = await EnvironmentAsync("concurrent");

        var runs = Enumerable.Range(0, 8).Select(_ => RunCliProcessAsync("migrate", "-e", env, "--state-dir", Topology.StateDir)).ToList();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        Assert.Equal(Enumerable.Range(8001, 10).Select(v => (long)v), await VersionsAsync(database));
        Assert.Equal(10, results.Sum(r => r.Output.Split('\n').Count(l => l.Contains("✓ migrations   apply", StringComparison.Ordinal))));
        await using var session = await Topology.ConnectAsync("primary", database);
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(1, (await session.QueryAsync($"SELECT COUNT(*) AS n FROM c{i}")).Single().GetInt64("n"));
        }
    }

    [Fact]
    public async Task A_database_managed_by_FluentMigrator_is_continued_from_its_version_table()
    {
        var (env, database) = await EnvironmentAsync("fluentmigrator");
        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            foreach (var statement in Dialect.FluentMigratorVersionTable)
            {
                await session.ExecuteAsync(statement);
            }

            await session.ExecuteAsync("CREATE TABLE legacy (id int, note varchar(10))");
            await session.ExecuteAsync(Dialect.FluentMigratorVersionRow(9001, "CreateLegacy"));
            await session.ExecuteAsync(Dialect.FluentMigratorVersionRow(9002, "AddLegacyColumn"));
        }

        var (planExit, plan) = await Cli("plan", env);
        Assert.Equal(0, planExit);
        Assert.Contains("2 applied, 1 pending", plan, StringComparison.Ordinal);

        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        Assert.Equal([9001, 9002, 9003], await VersionsAsync(database));
        Assert.True(await TableExistsAsync(database, "modern"));
        var (_, history) = await Cli("history", env);
        Assert.Contains("not recorded", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_built_outside_a_transaction_is_created_and_rolled_back()
    {
        var (env, database) = await EnvironmentAsync("concurrently");

        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        Assert.Equal([3001, 3002], await VersionsAsync(database));
        Assert.Equal(0, (await Cli("rollback", env, "--to", "3001")).ExitCode);
        Assert.Equal([3001], await VersionsAsync(database));
    }

    [Theory]
    [InlineData("duplicate", "Duplicate migration version 5001. version 5001 is used by Orchestrator.TestMigrations.DuplicateA and Orchestrator.TestMigrations.DuplicateB")]
    [InlineData("throwing", "migration 7101 ThrowingMigration: its Up() failed: InvalidOperationException: the migration's own code failed")]
    [InlineData("no-such-tag", "the environment selects tag 'no-such-tag', which no migration in Orchestrator.TestMigrations.dll carries")]
    public async Task Bad_migrations_are_refused_with_exit_2_and_nothing_applied(string tag, string message)
    {
        var (env, database) = await EnvironmentAsync(tag);

        var (exitCode, output) = await Cli("migrate", env);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", output, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));
    }

    [Fact]
    public async Task A_name_longer_than_the_engine_keeps_is_applied_as_postgresql_shortens_it_or_refused_by_mariadb()
    {
        var (env, database) = await EnvironmentAsync("long-identifier");
        var longTable = new string('t', 70);
        const string ForeignKey = "FK_hours_of_operation_days_hours_of_operation_id_hours_of_operations_id";

        var (planExit, plan) = await Cli("plan", env);
        var (exitCode, output) = await Cli("migrate", env);

        if (Dialect.Engine == "postgres")
        {
            Assert.True(planExit == 0, plan);
            Assert.Contains($"table name '{longTable}' is longer than the 63 bytes the engine keeps; the server will name it '{longTable[..63]}'", plan, StringComparison.Ordinal);
            Assert.True(exitCode == 0, output);
            Assert.Contains($"foreign key name '{ForeignKey}' is longer than the 63 bytes the engine keeps; the server will name it '{ForeignKey[..63]}'", output, StringComparison.Ordinal);
            Assert.Equal([7002, 7003], await VersionsAsync(database));
            Assert.True(await TableExistsAsync(database, longTable[..63]));

            // Rolled back by the same long names, which the server shortens the same way.
            var (rollbackExit, rollback) = await Cli("rollback", env, "--to", "0");
            Assert.True(rollbackExit == 0, rollback);
            Assert.False(await TableExistsAsync(database, longTable[..63]));

            var (strictExit, strict) = await Cli("migrate", env, "--strict");
            Assert.NotEqual(0, strictExit);
            Assert.Contains("the server will name it", strict, StringComparison.Ordinal);
            Assert.Equal([], await VersionsAsync(database));
        }
        else
        {
            Assert.Equal(2, exitCode);
            Assert.Contains($"migration 7002 LongIdentifier: table name '{longTable}' is 70 characters long; MariaDB allows 64", output, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed.", output, StringComparison.Ordinal);
            Assert.False(await TableExistsAsync(database, "VersionInfo"));
        }
    }

    [Theory]
    [InlineData("forward-only", "migration 6002 FillForwardOnly cannot be undone: it is a ForwardOnlyMigration", new long[] { 6001, 6002 })]
    [InlineData("auto-irreversible", "migration 6101 AutoAlterColumn cannot be undone: it is an AutoReversingMigration and AlterColumnExpression cannot be automatically reversed", new long[] { 6101 })]
    public async Task Rolling_back_through_a_migration_without_down_is_refused_and_changes_nothing(string tag, string message, long[] versions)
    {
        var (env, database) = await EnvironmentAsync(tag);
        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);

        var (exitCode, output) = await Cli("rollback", env, "--to", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Equal(versions, await VersionsAsync(database));
    }

    [Fact]
    public async Task Unusable_migration_assemblies_are_bad_input_named_with_what_is_wrong()
    {
        var database = await NewDatabaseAsync();
        async Task<string> RefusedAsync(string assembly, string[] tags, string[] settings)
        {
            var env = Topology.WriteMigrationEnvironment(database, "assembly", assembly, tags, settings);
            var (exitCode, output) = await Cli("migrate", env);
            Assert.True(exitCode == 2, output);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            return output;
        }

        Assert.Contains(
            "Orchestrator.TestMigrations.FluentMigrator3.dll' is built against FluentMigrator 3.2.9, but this tool runs FluentMigrator 8.0.1",
            await RefusedAsync(BuiltArtifacts.FluentMigrator3, [], []),
            StringComparison.Ordinal);
        Assert.Contains("Orchestrator.FluentMigratorHost.dll holds no migrations", await RefusedAsync(BuiltArtifacts.FluentMigratorHost, [], []), StringComparison.Ordinal);
        Assert.Contains(
            "Orchestrator.TestMigrations.dll holds no migrations in namespace 'Nothing.Here'",
            await RefusedAsync(BuiltArtifacts.TestMigrations, ["basic"], ["namespace: Nothing.Here"]),
            StringComparison.Ordinal);

        // The migrations alone, without the library their base class comes from.
        var alone = Path.Combine(Topology.Directory, $"alone-{database}");
        Directory.CreateDirectory(alone);
        File.Copy(BuiltArtifacts.TestMigrations, Path.Combine(alone, "Orchestrator.TestMigrations.dll"));
        Assert.Contains(
            "it needs 'Orchestrator.TestMigrations.Shared",
            await RefusedAsync(Path.Combine(alone, "Orchestrator.TestMigrations.dll"), ["shared-base"], []),
            StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));
    }

    [Fact]
    public async Task A_missing_or_broken_migrations_project_is_bad_input()
    {
        var database = await NewDatabaseAsync();
        var missing = Topology.WriteMigrationEnvironment(database, "project", Path.Combine(Topology.Directory, "nowhere", "Nope.csproj"));
        var (missingExit, missingOutput) = await Cli("migrate", missing);
        Assert.Equal(2, missingExit);
        Assert.Contains("Nope.csproj' does not exist", missingOutput, StringComparison.Ordinal);

        var project = Path.Combine(Topology.Directory, $"broken-{database}");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "Broken.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(project, "Broken.cs"), "public class Broken { this is not C# }");
        var broken = Topology.WriteMigrationEnvironment(database, "project", Path.Combine(project, "Broken.csproj"));
        var (brokenExit, brokenOutput) = await Cli("migrate", broken);
        Assert.Equal(2, brokenExit);
        Assert.Contains("Broken.csproj' does not build", brokenOutput, StringComparison.Ordinal);
        Assert.Contains("error CS", brokenOutput, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));
    }

    private static void WaitPerRun(string environment) =>
        File.WriteAllText(environment, File.ReadAllText(environment).Replace("  replay_timeout: 60s", "  replay_timeout: 60s\n  wait: per-run", StringComparison.Ordinal));
}
