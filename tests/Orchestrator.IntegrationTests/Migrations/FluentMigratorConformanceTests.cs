using Orchestrator.Drift;
using Orchestrator.FluentMigratorHost;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>
/// Real FluentMigrator migrations (tests/Orchestrator.TestMigrations, tag "conformance" and
/// friends) run through the command line on the shared replicated topology, and FluentMigrator's
/// own runner as the oracle: each continues the other, and both give the same database.
/// </summary>
public abstract class FluentMigratorConformanceTests(TopologyFixture fixture) : MigrationTestBase(fixture)
{
    /// <summary>Versions the conformance set applies in one run from empty: 10011's constraint needs 10005 applied before the run.</summary>
    private static readonly long[] FirstRun = [0, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 10012, 10013, 10014];

    [Fact]
    public async Task Every_kind_of_migration_runs_as_FluentMigrator_runs_it_and_every_replica_replays_it()
    {
        var (env, database) = await EnvironmentAsync("conformance");

        var (refusedExit, refused) = await Cli("migrate", env);
        Assert.Equal(2, refusedExit);
        Assert.Contains("migration 10012 BreakingChangeMigration is marked as a breaking change", refused, StringComparison.Ordinal);
        Assert.Empty(await VersionsAsync(database));

        var (exitCode, output) = await Cli("migrate", env, "--allow-breaking-changes");
        Assert.True(exitCode == 0, output);
        Assert.Equal(FirstRun, await VersionsAsync(database));
        Assert.Equal(FirstRun, await VersionsAsync(database, "replica-2"));
        Assert.Contains((10001L, "OPS-1: Accounts"), await VersionRowsAsync(database));

        await using (var session = await Topology.ConnectAsync("primary", database))
        {
            var accounts = (await session.QueryAsync("SELECT name, tier FROM conf_accounts ORDER BY id")).Select(r => $"{r.GetString("name")}/{r.GetString("tier")}").ToList();
            Assert.Equal(["ada/gold", "script; with a semicolon/gold", "written by code; in a transaction: True/code", "TRIGGERED/bronze"], accounts);
            Assert.Equal(["custom expression ran"], (await session.QueryAsync("SELECT note FROM conf_audit")).Select(r => r.GetString("note")));
            Assert.Equal(1, (await session.QueryAsync("SELECT COUNT(*) AS n FROM conf_gold_accounts WHERE name = 'ada'")).Single().GetInt64("n"));
            Assert.Equal(0, (await session.QueryAsync($"SELECT COUNT(*) AS n FROM {Dialect.InSchema("ledger", "entries")}")).Single().GetInt64("n"));
            Assert.Equal(0, (await session.QueryAsync("SELECT COUNT(*) AS n FROM conf_notes WHERE note_id IS NULL")).Single().GetInt64("n"));
        }

        Assert.Equal(Dialect.TransactionalDdl, await TableExistsAsync(database, "conf_pg_only"));
        Assert.Equal(!Dialect.TransactionalDdl, await TableExistsAsync(database, "conf_mariadb_only"));
        Assert.True(await TableExistsAsync(database, "conf_by_predicate", "replica-2"));
        Assert.True(await TableExistsAsync(database, "conf_any_tag"));
        Assert.False(await TableExistsAsync(database, "conf_never"));
        Assert.False(await TableExistsAsync(database, "conf_constrained"));
        Assert.Equal(new Dictionary<string, long> { ["BeforeAll"] = 1, ["BeforeEach"] = 14, ["AfterEach"] = 14, ["BeforeProfiles"] = 1, ["AfterAll"] = 1 }, await StageCountsAsync(database));

        // Now that 10005 was applied before the run, 10011's constraint lets it run; maintenance runs again.
        var (againExit, again) = await Cli("migrate", env);
        Assert.True(againExit == 0, again);
        Assert.Equal(FirstRun.Append(10011L).Order(), (await VersionsAsync(database, "replica-2")).Order());
        Assert.Equal(2, (await StageCountsAsync(database))["BeforeAll"]);

        var (rollbackExit, rollback) = await Cli("rollback", env, "--to", "10009");
        Assert.True(rollbackExit == 0, rollback);
        Assert.Equal(FirstRun.Where(v => v <= 10009), await VersionsAsync(database, "replica-2"));
        Assert.False(await TableExistsAsync(database, "conf_audit"));

        var (forwardOnlyExit, forwardOnly) = await Cli("rollback", env, "--to", "0");
        Assert.Equal(2, forwardOnlyExit);
        Assert.Contains("migration 10009 PromoteSilver cannot be undone: it is a ForwardOnlyMigration", forwardOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_runs_with_every_migrate_and_is_never_recorded()
    {
        var database = await NewDatabaseAsync();
        var env = Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, ["conformance"], ["profile: conformance-dev"]);

        Assert.Equal(0, (await Cli("migrate", env, "--allow-breaking-changes")).ExitCode);
        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);

        await using var session = await Topology.ConnectAsync("primary", database);
        Assert.Equal(2, (await session.QueryAsync("SELECT COUNT(*) AS n FROM conf_accounts WHERE tier = 'profile'")).Single().GetInt64("n"));
        Assert.DoesNotContain(-1L, await VersionsAsync(database));

        var typo = Topology.WriteMigrationEnvironment(database, "assembly", BuiltArtifacts.TestMigrations, ["conformance"], ["profile: Conformance-Dev"]);
        var (typoExit, typoOutput) = await Cli("plan", typo);
        Assert.Equal(2, typoExit);
        Assert.Contains("no public [Profile(\"Conformance-Dev\")] migration", typoOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_columns_and_the_version_description_hold_any_unicode()
    {
        var (env, database) = await EnvironmentAsync("unicode");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.True(exitCode == 0, output);
        await using var session = await Topology.ConnectAsync("replica-2", database);
        var row = (await session.QueryAsync("SELECT short_text, fixed_text, long_text FROM messages")).Single();
        Assert.Equal("launch 🚀", row.GetString("short_text"));
        Assert.Equal("🎉", row.GetString("fixed_text")!.TrimEnd());
        Assert.Equal("naïve café, 日本語, 🚀🚀🚀", row.GetString("long_text"));
        Assert.Contains((11001L, "Messages 🚀 with emoji"), await VersionRowsAsync(database, "replica-2"));
    }

    [Fact]
    public async Task IfDatabase_matches_every_name_of_the_engine_and_plan_warns_about_unknown_ones()
    {
        var (env, database) = await EnvironmentAsync("ifdatabase-names");

        var (planExit, plan) = await Cli("plan", env);
        Assert.Equal(0, planExit);
        Assert.Contains("IfDatabase(\"Postgress\") matches no database FluentMigrator knows", plan, StringComparison.Ordinal);

        Assert.Equal(0, (await Cli("migrate", env)).ExitCode);
        Assert.Equal(Dialect.TransactionalDdl, await TableExistsAsync(database, "names_postgres"));
        Assert.Equal(Dialect.TransactionalDdl, await TableExistsAsync(database, "names_postgresql"));
        Assert.Equal(!Dialect.TransactionalDdl, await TableExistsAsync(database, "names_mariadb"));
        Assert.False(await TableExistsAsync(database, "names_typo"));
    }

    [Fact]
    public async Task A_database_migrated_by_FluentMigrators_runner_continues_under_orchestrator()
    {
        var (env, database) = await EnvironmentAsync("conformance");
        FluentMigratorRun.MigrateUp(Oracle(database), to: 10005);

        var (planExit, plan) = await Cli("plan", env);
        Assert.Equal(0, planExit);
        Assert.Contains("6 applied, 9 pending", plan, StringComparison.Ordinal);

        var (exitCode, output) = await Cli("migrate", env, "--allow-breaking-changes");
        Assert.True(exitCode == 0, output);
        Assert.Equal(FirstRun.Append(10011L).Order(), (await VersionsAsync(database, "replica-2")).Order());
        var (_, history) = await Cli("history", env);
        Assert.Contains("not recorded", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_migrated_by_orchestrator_continues_under_FluentMigrators_runner()
    {
        var (env, database) = await EnvironmentAsync("conformance");
        Assert.Equal(0, (await Cli("migrate", env, "--to", "10005")).ExitCode);

        FluentMigratorRun.MigrateUp(Oracle(database));

        Assert.Equal(FirstRun.Append(10011L).Order(), (await VersionsAsync(database)).Order());
        var (planExit, plan) = await Cli("plan", env);
        Assert.Equal(0, planExit);
        Assert.Contains("The database is up to date", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_runners_give_the_same_schema_version_rows_and_maintenance_runs()
    {
        var byFluentMigrator = await NewDatabaseAsync();
        FluentMigratorRun.MigrateUp(Oracle(byFluentMigrator));
        var (env, byOrchestrator) = await EnvironmentAsync("conformance");
        var (exitCode, output) = await Cli("migrate", env, "--allow-breaking-changes");
        Assert.True(exitCode == 0, output);

        Assert.Equal(await VersionRowsAsync(byFluentMigrator), await VersionRowsAsync(byOrchestrator));
        Assert.Equal(await StageCountsAsync(byFluentMigrator), await StageCountsAsync(byOrchestrator));
        var (fluentMigratorShape, orchestratorShape) = (await ShapeAsync(byFluentMigrator), await ShapeAsync(byOrchestrator));
        Assert.Empty(SchemaComparer.Compare(fluentMigratorShape, orchestratorShape));
        Assert.Equal(fluentMigratorShape.Fingerprint(), orchestratorShape.Fingerprint());
    }

    [Fact]
    public async Task A_custom_expression_reading_what_an_earlier_migration_of_the_run_created_is_prepared_at_its_turn()
    {
        var (env, database) = await EnvironmentAsync("reads-database");

        var (planExit, plan) = await Cli("plan", env);
        Assert.True(planExit == 0, plan);
        Assert.Contains("prepared at its turn: it reads the database, which the migrations before it in this run change", plan, StringComparison.Ordinal);

        var (exitCode, output) = await Cli("migrate", env);
        Assert.True(exitCode == 0, output);
        Assert.Equal([12001, 12002], await VersionsAsync(database, "replica-2"));

        // FluentMigrator's own runner, on a database of its own, gives the same rows.
        var byFluentMigrator = await NewDatabaseAsync();
        FluentMigratorRun.MigrateUp(Oracle(byFluentMigrator) with { Tags = ["reads-database"] });
        foreach (var (name, node) in new[] { (database, "replica-2"), (byFluentMigrator, "primary") })
        {
            await using var session = await Topology.ConnectAsync(node, name);
            Assert.Equal(["1/renamed", "2/added"], (await session.QueryAsync("SELECT id, name FROM upsert_targets ORDER BY id")).Select(r => $"{r.GetInt64("id")}/{r.GetString("name")}"));
        }
    }

    private FluentMigratorRequest Oracle(string database) =>
        new(Dialect.Engine, Topology.ConnectionString("primary", database), BuiltArtifacts.TestMigrations) { Tags = ["conformance"], AllowBreakingChanges = true };

    private async Task<SchemaShape> ShapeAsync(string database)
    {
        await using var session = await Topology.ConnectAsync("primary", database);
        return await Topology.EngineImpl.SchemaReader.ReadApplicationAsync(session, CancellationToken.None);
    }

    private async Task<IReadOnlyList<(long Version, string? Description)>> VersionRowsAsync(string database, string node = "primary")
    {
        await using var session = await Topology.ConnectAsync(node, database);
        return (await session.QueryAsync(Dialect.VersionRowsSql)).Select(r => (r.GetInt64("v")!.Value, r.GetString("d"))).ToList();
    }

    private async Task<Dictionary<string, long>> StageCountsAsync(string database)
    {
        await using var session = await Topology.ConnectAsync("primary", database);
        return (await session.QueryAsync("SELECT stage, COUNT(*) AS n FROM conf_maintenance_log GROUP BY stage"))
            .ToDictionary(r => r.GetString("stage")!, r => r.GetInt64("n")!.Value);
    }
}
