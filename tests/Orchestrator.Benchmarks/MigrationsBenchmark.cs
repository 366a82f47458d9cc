using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Loading;
using Orchestrator.Processes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `orchestrator migrate` of N generated migrations (a table, an index and a row each) on a
/// local primary, against the same SQL run by the engine's own client in one session.
/// </summary>
internal static class MigrationsBenchmark
{
    public static async Task<(TimeSpan Tool, TimeSpan Client)> RunAsync(string repositoryRoot, EngineKind engine, string assembly, int rounds)
    {
        await using var primary = await BenchPrimary.StartAsync(engine);
        var script = Path.Combine(primary.Directory, "migrations.sql");
        await File.WriteAllTextAsync(script, await ScriptAsync(primary, assembly));
        // The command users run (./orchestrator): the published build, else the plain Release build.
        var published = Path.Combine(repositoryRoot, "artifacts", "cli", "Orchestrator.Cli.dll");
        var cli = File.Exists(published) ? published : Path.Combine(repositoryRoot, "src", "Orchestrator.Cli", "bin", "Release", "net10.0", "Orchestrator.Cli.dll");

        var tool = new List<TimeSpan>();
        var client = new List<TimeSpan>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which side goes first, so neither always inherits the other's background flushing.
            async Task Tool()
            {
                var toolDatabase = $"bench_tool_{round}";
                await primary.CreateDatabaseAsync(toolDatabase);
                var environment = await primary.EnvironmentForAsync(toolDatabase, assembly);
                var clock = Stopwatch.StartNew();
                await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "migrate", "-e", environment, "--state-dir", primary.StateDir]), CancellationToken.None);
                tool.Add(clock.Elapsed);
            }

            async Task Client()
            {
                var clientDatabase = $"bench_client_{round}";
                await primary.CreateDatabaseAsync(clientDatabase);
                var clock = Stopwatch.StartNew();
                await RunClientAsync(primary, clientDatabase, script);
                client.Add(clock.Elapsed);
            }

            if (round % 2 == 0)
            {
                await Tool();
                await Client();
            }
            else
            {
                await Client();
                await Tool();
            }
        }

        return (tool.Order().ElementAt(rounds / 2), client.Order().ElementAt(rounds / 2));
    }

    /// <summary>The very statements the migrations generate, one per line, for the engine's client.</summary>
    private static async Task<string> ScriptAsync(BenchPrimary primary, string assembly)
    {
        var migrations = MigrationCatalog.Load(System.Reflection.Assembly.LoadFrom(assembly), []);
        var generator = primary.Engine.SqlGenerator;
        await Task.CompletedTask;
        return string.Join('\n', migrations.SelectMany(m => m.Up).SelectMany(generator.Generate).Select(s => s + ";")) + "\n";
    }

    private static async Task RunClientAsync(BenchPrimary primary, string database, string script)
    {
        var node = primary.Environment.Primary;
        var credentials = primary.Credentials;
        var port = node.Port.ToString(CultureInfo.InvariantCulture);
        if (primary.Environment.Engine == EngineKind.Postgres)
        {
            await ProcessRunner.RunCheckedAsync(
                new ProcessSpec("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", node.Host, "-p", port, "-U", credentials.AdminUser, "-d", database, "-f", script])
                {
                    Environment = new Dictionary<string, string> { ["PGPASSWORD"] = credentials.AdminPassword.Reveal() },
                },
                CancellationToken.None);
            return;
        }

        var options = Path.Combine(primary.Directory, "client.cnf");
        await File.WriteAllTextAsync(options, $"[client]\nuser = {credentials.AdminUser}\npassword = \"{credentials.AdminPassword.Reveal()}\"\n");
        await using var input = File.OpenRead(script);
        await ProcessRunner.RunCheckedAsync(
            new ProcessSpec("mariadb", [$"--defaults-extra-file={options}", "-h", node.Host, "-P", port, "--protocol=TCP", database]),
            CancellationToken.None,
            input);
    }
}
