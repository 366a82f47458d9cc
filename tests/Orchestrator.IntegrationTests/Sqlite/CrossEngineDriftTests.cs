
using Orchestrator.Environments.Internal;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.IntegrationTests.Migrations;

namespace Orchestrator.IntegrationTests.Sqlite;

/// <summary>
/// The same migrations on a SQLite file (development) and on the shared PostgreSQL topology
/// (production-like), compared across engines by drift.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrossEngineDriftTests(PostgresTopologyFixture fixture) : MigrationTestBase(fixture), IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orch-sqlite-drift-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_sample_migrations_give_sqlite_and_postgres_the_same_shape()
    {
        var sample = Path.Combine(RepositoryRoot(), "migrations", "Sample", "Sample.csproj");
        var postgres = Topology.WriteMigrationEnvironment(await NewDatabaseAsync(), "project", sample, "local");
        var sqlite = SqliteEnvironment("sample", "project", sample, "local");
        Assert.Equal(0, (await Cli("migrate", postgres)).ExitCode);
        var (migrateExit, migrateOutput) = await CliRunner.RunAsync("migrate", "-e", sqlite);
        Assert.True(migrateExit == 0, migrateOutput);

        var (exit, output) = await CliRunner.RunAsync("drift", "-e", sqlite, "-e", postgres, "--state-dir", Topology.StateDir);
        Assert.True(exit == 0, output);
        Assert.Contains("(across engines)", output, StringComparison.Ordinal);
        Assert.Contains("no drift", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migration_that_does_something_else_on_sqlite_is_reported_table_by_table()
    {
        var postgres = Topology.WriteMigrationEnvironment(await NewDatabaseAsync(), "assembly", BuiltArtifacts.TestMigrations, "engine-specific");
        var sqlite = SqliteEnvironment("specific", "assembly", BuiltArtifacts.TestMigrations, "engine-specific");
        Assert.Equal(0, (await Cli("migrate", postgres)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("migrate", "-e", sqlite)).ExitCode);

        var (exit, output) = await CliRunner.RunAsync("drift", "-e", sqlite, "-e", postgres, "--state-dir", Topology.StateDir);
        Assert.True(exit == 1, output);
        Assert.Contains("table gadgets:", output, StringComparison.Ordinal);
        Assert.Contains("column weight", output, StringComparison.Ordinal);
        Assert.DoesNotContain("column name", output, StringComparison.Ordinal);
    }

    private string SqliteEnvironment(string name, string key, string migrations, string tag)
    {
        var file = Path.Combine(_directory, $"{name}.yaml");
        File.WriteAllText(file, $"""
            name: {name}-sqlite
            engine: sqlite
            file: {name}.db
            migrations:
              {key}: {migrations}
              tags: [{tag}]
            """);
        return file;
    }

    private static string RepositoryRoot()
    {
        var bin = AppContext.BaseDirectory;
        return bin[..bin.IndexOf("/tests/", StringComparison.Ordinal)];
    }
}
