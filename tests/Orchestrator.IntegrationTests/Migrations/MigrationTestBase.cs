using Orchestrator.Data;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Processes;

namespace Orchestrator.IntegrationTests.Migrations;

/// <summary>
/// What the migration tests share: each test works in a database of its own on the collection's
/// shared topology, through the command line, with the engine's dialect from the fixture.
/// </summary>
public abstract class MigrationTestBase(TopologyFixture fixture)
{
    private protected TestTopology Topology => fixture.Topology;

    protected TestDialect Dialect => fixture.Dialect;

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
        return (await session.QueryAsync(Dialect.VersionsSql)).Select(r => r.GetInt64("v")!.Value).ToList();
    }

    /// <summary>
    /// Selects from the table (schema.table where the engine has schemas) rather than asking
    /// information_schema, which has crashed MariaDB 10.11 replicas applying DDL.
    /// </summary>
    protected async Task<bool> TableExistsAsync(string database, string table, string node = "primary")
    {
        await using var session = await Topology.ConnectAsync(node, database);
        try
        {
            await session.QueryAsync($"SELECT 1 FROM {string.Join('.', table.Split('.').Select(Dialect.Quote))} WHERE 1 = 0");
            return true;
        }
        catch (DatabaseException e) when (e.Code == Dialect.NoSuchTableCode)
        {
            return false;
        }
    }

    protected static async Task<(int ExitCode, string Output)> RunCliProcessAsync(params string[] args)
    {
        var result = await ProcessRunner.RunAsync(new ProcessSpec("dotnet", [BuiltArtifacts.Cli, .. args]), CancellationToken.None);
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
