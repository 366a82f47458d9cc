using System.Diagnostics;
using Orchestrator.Data;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>
/// migrate, rollback, plan and history against a real primary, on each engine. Every test
/// works in a database of its own on the collection's shared topology.
/// </summary>
public abstract class MigrationTests(TopologyFixture fixture)
{
    protected TestTopology Topology => fixture.Topology;

    protected abstract string VersionsSql { get; }

    /// <summary>The engine's quoting of an identifier.</summary>
    protected abstract string Quote(string identifier);

    /// <summary>The error code for a table that does not exist.</summary>
    protected abstract string NoSuchTableCode { get; }

    protected abstract bool TransactionalDdl { get; }

    /// <summary>SQL that creates VersionInfo exactly as FluentMigrator does on this engine.</summary>
    protected abstract string[] FluentMigratorVersionTable { get; }

    protected abstract string FluentMigratorVersionRow(long version, string description);

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
    public async Task When_migrate_returns_every_replica_including_the_cascading_one_has_replayed_it()
    {
        var (env, database) = await EnvironmentAsync("basic");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.True(exitCode == 0, output);
        Assert.Contains("replica-2    replayed version 1004", output, StringComparison.Ordinal);
        foreach (var replica in new[] { "replica-1", "replica-2" })
        {
            // No polling: migrate has already waited for each replica to replay every migration.
            Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, replica));
            await using var session = await Topology.ConnectAsync(replica, database);
            Assert.Equal(2, (await session.QueryAsync("SELECT COUNT(*) AS n FROM widgets")).Single().GetInt64("n"));
        }
    }

    [Fact]
    public async Task A_dead_replica_makes_migrate_exit_1_naming_it_and_keeps_the_primarys_work()
    {
        var (env, database) = await EnvironmentAsync("basic");
        var pid = Topology.ServerPid("replica-2");
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        try
        {
            await TestTopology.EventuallyAsync(() => Task.FromResult(!Local.Libc.ProcessExists(pid)), "replica-2 is gone");

            var (exitCode, output) = await Cli("migrate", env);

            Assert.Equal(1, exitCode);
            Assert.Contains("migration 1001 CreateWidgets was applied on the primary", output, StringComparison.Ordinal);
            Assert.Contains("replica-1: replayed", output, StringComparison.Ordinal);
            Assert.Contains("replica-2: NOT replayed: unreachable", output, StringComparison.Ordinal);
            Assert.Equal([1001], await VersionsAsync(database));
        }
        finally
        {
            await Topology.UpAsync();
        }

        await TestTopology.EventuallyAsync(async () => (await VersionsAsync(database, "replica-2")).SequenceEqual([1001L]), "replica-2 caught up");
        var (statusExit, status) = await Cli("status", env, "--json");
        Assert.True(statusExit == 0, status);
        using (var json = System.Text.Json.JsonDocument.Parse(status))
        {
            foreach (var node in json.RootElement.GetProperty("nodes").EnumerateArray())
            {
                Assert.Equal(1001, node.GetProperty("schemaVersion").GetInt64());
                Assert.Equal(3, node.GetProperty("pendingMigrations").GetInt32());
                Assert.Equal(System.Text.Json.JsonValueKind.String, node.GetProperty("lastAppliedOn").ValueKind);
            }
        }

        var (again, againOutput) = await Cli("migrate", env);
        Assert.True(again == 0, againOutput);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, "replica-2"));
    }

    [Fact]
    public async Task An_external_environment_over_servers_started_outside_it_is_migrated_and_its_status_read()
    {
        var database = await NewDatabaseAsync();
        var external = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic");

        var (statusExit, status) = await CliRunner.RunAsync("status", "-e", external, "--json");
        Assert.True(statusExit == 0, status);
        using (var json = System.Text.Json.JsonDocument.Parse(status))
        {
            Assert.Equal("external", json.RootElement.GetProperty("provider").GetString());
            var roles = json.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("role").GetString());
            Assert.Equal(["primary", "replica", "replica"], roles);
        }

        var (migrateExit, migrate) = await CliRunner.RunAsync("migrate", "-e", external);
        Assert.True(migrateExit == 0, migrate);
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database));
        Assert.Equal([1001, 1002, 1003, 1004], await VersionsAsync(database, "replica-2"));

        var (upExit, up) = await CliRunner.RunAsync("up", "-e", external);
        Assert.Equal(2, upExit);
        Assert.Contains("uses provider 'external'", up, StringComparison.Ordinal);
    }

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
        Assert.StartsWith(TransactionalDdl ? "integer NULL" : "int(11) NULL", difference.GetProperty("right").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_warns_about_risky_statements_and_strict_migrate_refuses_them()
    {
        var (env, database) = await EnvironmentAsync("basic");
        Assert.Equal(0, (await Cli("migrate", env, "--to", "1001")).ExitCode);

        var (planExit, plan) = await Cli("plan", env);
        var (strictExit, strict) = await Cli("migrate", env, "--strict");

        Assert.Equal(0, planExit);
        if (TransactionalDdl)
        {
            Assert.Contains("warning: 1004 IndexWidgetNames: CREATE INDEX \"ix_widgets_name\" on existing table \"widgets\" blocks writes", plan, StringComparison.Ordinal);
            Assert.Equal(1, strictExit);
            Assert.Contains("--strict refuses statements that are risky on a replicated primary", strict, StringComparison.Ordinal);
            Assert.Equal([1001], await VersionsAsync(database));
        }
        else
        {
            // InnoDB builds a secondary index online (INPLACE, LOCK=NONE): nothing to warn about.
            Assert.DoesNotContain("warning", plan, StringComparison.Ordinal);
            Assert.True(strictExit == 0, strict);
        }
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

    [Fact]
    public async Task Tls_require_against_servers_without_tls_is_refused_with_a_clear_error()
    {
        var database = await NewDatabaseAsync();
        var external = Topology.WriteExternalEnvironment(database, BuiltArtifacts.TestMigrations, "basic", tls: "require");

        var (statusExit, status) = await CliRunner.RunAsync("status", "-e", external, "--json");
        var (migrateExit, migrate) = await CliRunner.RunAsync("migrate", "-e", external);

        Assert.Equal(1, statusExit);
        using (var json = System.Text.Json.JsonDocument.Parse(status))
        {
            Assert.All(json.RootElement.GetProperty("nodes").EnumerateArray(), n =>
            {
                Assert.False(n.GetProperty("reachable").GetBoolean());
                Assert.Matches("(?i)ssl|tls", n.GetProperty("error").GetString()!);
            });
        }

        Assert.Equal(1, migrateExit);
        Assert.Contains("no reachable node", migrate, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));
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
        Assert.Equal(!TransactionalDdl, await TableExistsAsync(database, "half_done"));
        if (TransactionalDdl)
        {
            Assert.Contains("Nothing of this migration stayed applied (its transaction was rolled back)", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(
                "These statements ran before the failure and stay applied (MariaDB commits schema changes immediately):\n  1. CREATE TABLE `half_done` (`id` INTEGER NULL) ENGINE=InnoDB\nThe version row of 2002 was not written.",
                output,
                StringComparison.Ordinal);
        }
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
            foreach (var statement in FluentMigratorVersionTable)
            {
                await session.ExecuteAsync(statement);
            }

            await session.ExecuteAsync("CREATE TABLE legacy (id int, note varchar(10))");
            await session.ExecuteAsync(FluentMigratorVersionRow(9001, "CreateLegacy"));
            await session.ExecuteAsync(FluentMigratorVersionRow(9002, "AddLegacyColumn"));
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
    [InlineData("duplicate", "version 5001 is used by Orchestrator.TestMigrations.DuplicateA and Orchestrator.TestMigrations.DuplicateB")]
    [InlineData("bad-identifier", "migration 7001 QuotedIdentifier: identifier 'bad\"name' contains a quote or control character")]
    [InlineData("long-identifier", "migration 7002 LongIdentifier: identifier 'tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt' is 70 long")]
    [InlineData("no-such-tag", "the environment selects tag 'no-such-tag', which no migration in Orchestrator.TestMigrations carries")]
    public async Task Bad_migrations_are_refused_with_exit_2_and_nothing_applied(string tag, string message)
    {
        var (env, database) = await EnvironmentAsync(tag);

        var (exitCode, output) = await Cli("migrate", env);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", output, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));
    }

    [Theory]
    [InlineData("no-down", "cannot roll back to 0: migration 6002 FillWithoutDown cannot be undone because it has no Down() method", new long[] { 6001, 6002 })]
    [InlineData("auto-irreversible", "cannot roll back to 0: migration 6101 AutoWithSql cannot be undone because it is an AutoReversingMigration and Execute.Sql(...) cannot be reversed automatically", new long[] { 6101 })]
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

    protected async Task<(string File, string Database)> EnvironmentAsync(string tag)
    {
        var database = await NewDatabaseAsync();
        return (Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, tag), database);
    }

    protected async Task<string> NewDatabaseAsync()
    {
        var database = $"m_{Guid.NewGuid():N}"[..20];
        await using var session = await Topology.ConnectAsync("primary", null);
        await session.ExecuteAsync($"CREATE DATABASE {database}");
        return database;
    }

    protected Task<(int ExitCode, string Output)> Cli(string verb, string environment, params string[] more) =>
        CliRunner.RunAsync([verb, "-e", environment, "--state-dir", Topology.StateDir, .. more]);

    protected async Task<IReadOnlyList<long>> VersionsAsync(string database, string node = "primary")
    {
        if (!await TableExistsAsync(database, "VersionInfo", node))
        {
            return [];
        }

        await using var session = await Topology.ConnectAsync(node, database);
        return (await session.QueryAsync(VersionsSql)).Select(r => r.GetInt64("v")!.Value).ToList();
    }

    /// <summary>Selects from the table rather than asking information_schema, which has crashed MariaDB 10.11 replicas applying DDL.</summary>
    protected async Task<bool> TableExistsAsync(string database, string table, string node = "primary")
    {
        await using var session = await Topology.ConnectAsync(node, database);
        try
        {
            await session.QueryAsync($"SELECT 1 FROM {Quote(table)} WHERE 1 = 0");
            return true;
        }
        catch (DatabaseException e) when (e.Code == NoSuchTableCode)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output)> RunCliProcessAsync(params string[] args)
    {
        var result = await Processes.ProcessRunner.RunAsync(new Processes.ProcessSpec("dotnet", [BuiltArtifacts.Cli, .. args]), CancellationToken.None);
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
