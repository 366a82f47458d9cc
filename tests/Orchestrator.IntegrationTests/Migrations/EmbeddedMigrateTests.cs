using System.Reflection;
using Microsoft.Extensions.Logging;
using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Migrations;
using Xunit.Abstractions;
using Orchestrator.Embedding;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>
/// The embedding API as a user's program uses it: samples/EmbeddedMigrate, built with dotnet build,
/// migrating a database of the shared topology at start-up from two processes at once.
/// </summary>
public abstract class EmbeddedMigrateTests(TopologyFixture fixture, ITestOutputHelper output) : MigrationTestBase(fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Two_processes_of_a_program_migrating_at_start_up_apply_each_migration_once_and_every_replica_has_it()
    {
        var program = await EmbeddedSample.ProgramAsync();
        var database = await NewDatabaseAsync();
        var environment = Topology.WriteEnvironment(database);

        // The test holds the database's migration lock until both processes wait for it, so that
        // both are inside MigrateAsync at once however fast either starts; then it lets them go.
        var store = Topology.EngineImpl.MigrationStore(VersionTable.Default);
        await using (var holder = await Topology.ConnectAsync("primary", database))
        {
            Assert.True(await store.TryLockAsync(holder, database, CancellationToken.None));
            var first = EmbeddedSample.Start(program, environment, Topology.StateDir);
            var second = EmbeddedSample.Start(program, environment, Topology.StateDir);
            await first.WaitForAsync("waiting for the migration lock", Patience);
            await second.WaitForAsync("waiting for the migration lock", Patience);
            await store.UnlockAsync(holder, database, CancellationToken.None);
            var runs = await Task.WhenAll(first.ExitAsync(Patience), second.ExitAsync(Patience));
            output.WriteLine($"first process:\n{runs[0].Output}\nsecond process:\n{runs[1].Output}");

            Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Output));
            var applied = Assert.Single(runs, r => r.Output.Contains("Applied 2 migrations on primary (1 CreateGreetings, 2 AddGreetingLanguage)", StringComparison.Ordinal));
            var waited = Assert.Single(runs, r => r.Output.Contains("nothing was pending after waiting", StringComparison.Ordinal));
            Assert.NotEqual(applied, waited);
            var replicas = Topology.Environment.Nodes.Where(n => n.Name != "primary").Select(n => n.Name).ToList();
            Assert.NotEmpty(replicas);
            Assert.All(replicas, replica => Assert.Contains($"{replica} (", applied.Output.Split('\n').Single(l => l.Contains("Applied 2 migrations", StringComparison.Ordinal)), StringComparison.Ordinal));
        }

        // Each version once in the version table, and the migrations' effect on every node, replicas
        // included: the program returned only once every replica had replayed them.
        foreach (var node in Topology.Environment.Nodes.Select(n => n.Name))
        {
            Assert.Equal([1, 2], await VersionsAsync(database, node));
            await using var session = await Topology.ConnectAsync(node, database);
            var rows = await session.QueryAsync("SELECT id, text, language FROM greetings ORDER BY id");
            Assert.Equal(["1 hello en", "2 bonjour fr"], rows.Select(r => $"{r.GetInt64("id")} {r.GetString("text")} {r.GetString("language")}").ToList());
        }
    }

    [Fact]
    public async Task Servers_described_in_code_are_migrated_with_an_assembly_already_loaded_and_a_second_run_finds_nothing_pending()
    {
        var database = await NewDatabaseAsync();
        var migrator = new OrchestratorMigrator(Spec(database, Topology.Credentials.AdminPassword.Reveal()), Assembly.LoadFrom(BuiltArtifacts.TestMigrations), new ListLogger())
        {
            Options = new MigratorOptions { Tags = ["basic"] },
        };

        var result = await migrator.MigrateAsync();

        Assert.Equal(await VersionsAsync(database), result.Applied.Select(a => a.Version).ToList());
        Assert.Equal([1001, 1002, 1003, 1004], result.Applied.Select(a => a.Version).Where(v => v is >= 1001 and <= 1004));
        Assert.Equal("CreateWidgets", result.Applied[0].Name);
        Assert.Equal(("primary", database, result.Applied[^1].Version), (result.Primary, result.Database, result.Version!.Value));
        Assert.Equal(Replicas, result.Replicas.Select(r => r.Node).Order());
        Assert.All(result.Replicas, r => Assert.True(r.Replayed, r.Error));
        Assert.Equal(TimeSpan.Zero, result.LockWaited);
        Assert.False(result.NothingPending);
        foreach (var replica in Replicas)
        {
            Assert.True(await TableExistsAsync(database, "widgets", replica));
        }

        var logger = new ListLogger();
        var again = await new OrchestratorMigrator(Spec(database, Topology.Credentials.AdminPassword.Reveal()), Assembly.LoadFrom(BuiltArtifacts.TestMigrations), logger)
        {
            Options = new MigratorOptions { Tags = ["basic"] },
        }.MigrateAsync();

        Assert.True(again.NothingPending);
        Assert.Equal(result.Version, again.Version);
        Assert.Empty(again.Replicas);
        var entry = Assert.Single(logger.Entries, e => e.Event.Id == 3);
        Assert.Equal(LogLevel.Information, entry.Level);
    }

    [Fact]
    public async Task A_wrong_password_and_a_spec_that_breaks_the_file_rules_are_typed_failures_that_change_nothing()
    {
        var database = await NewDatabaseAsync();
        var migrations = Assembly.LoadFrom(BuiltArtifacts.TestMigrations);
        var logger = new ListLogger();

        var unavailable = await Assert.ThrowsAsync<OrchestratorMigrationException>(
            () => new OrchestratorMigrator(Spec(database, "not-the-password"), migrations, logger) { Options = new MigratorOptions { Tags = ["basic"] } }.MigrateAsync());
        output.WriteLine(unavailable.Message);
        Assert.Equal(MigrationFailureKind.Unavailable, unavailable.Kind);
        Assert.DoesNotContain("not-the-password", unavailable.Message, StringComparison.Ordinal);
        var logged = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.DoesNotContain("   at ", logged.Message, StringComparison.Ordinal);

        var broken = Spec(database, Topology.Credentials.AdminPassword.Reveal()) with { Nodes = [new NodeSpec("a", "127.0.0.1", 1), new NodeSpec("b", "127.0.0.1", 2, Source: "c")] };
        var invalid = await Assert.ThrowsAsync<OrchestratorMigrationException>(() => new OrchestratorMigrator(broken, migrations, logger).MigrateAsync());
        output.WriteLine(invalid.Message);
        Assert.Equal(MigrationFailureKind.InvalidEnvironment, invalid.Kind);
        Assert.Contains(invalid.Problems, p => p.Contains("'c'", StringComparison.Ordinal));

        Assert.Empty(await VersionsAsync(database));
    }

    private IReadOnlyList<string> Replicas => [.. Topology.Environment.Nodes.Where(n => n.Role == NodeRole.Replica).Select(n => n.Name).Order()];

    /// <summary>This topology's servers as a program would describe them in code (as existing servers).</summary>
    private EnvironmentSpec Spec(string database, string adminPassword) => new(
        $"code-{database.Replace('_', '-')}",
        Topology.Engine == EngineKind.Postgres ? DatabaseEngine.Postgres : DatabaseEngine.MariaDb,
        database,
        new DatabaseCredential(Topology.Credentials.AdminUser, adminPassword),
        [.. Topology.Environment.Nodes.Select(n => new NodeSpec(n.Name, n.Host, n.Port, n.Source))]);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEmbeddedMigrateTests(PostgresTopologyFixture fixture, ITestOutputHelper output) : EmbeddedMigrateTests(fixture, output);

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbEmbeddedMigrateTests(MariaDbTopologyFixture fixture, ITestOutputHelper output) : EmbeddedMigrateTests(fixture, output);
