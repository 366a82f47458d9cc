using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orchestrator.Composition;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Shards;
using Orchestrator.State;
using Orchestrator.Engines;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `orchestrator migrate` of N generated migrations on 16 single-node PostgreSQL shards, fanned out
/// at the default bound, against the tool migrating one shard after another (--parallel 1), and
/// against 16 `psql -f` runs of the same SQL, 4 at a time; each side on fresh databases.
/// </summary>
internal static class ShardsBenchmark
{
    public const int ShardCount = 16;

    public sealed record Result(TimeSpan FannedOut, TimeSpan OneAfterAnother, TimeSpan Psql, int Parallel);

    public static async Task<Result> RunAsync(string repositoryRoot, string assembly, int rounds, int? parallel)
    {
        var directory = Directory.CreateTempSubdirectory("orch-bench-shards-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var file = Path.Combine(directory, "shards.yaml");
        var stateDir = Path.Combine(directory, "state");
        var ports = FreePorts.Take(ShardCount);
        var yaml = new StringBuilder("name: bench-shards\nengine: postgres\ndatabase: app\nshards:\n");
        foreach (var (port, n) in ports.Select((p, i) => (p, i + 1)))
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ name: s{n}, nodes: [ {{ name: primary, role: primary, port: {port} }} ] }}\n");
        }

        await File.WriteAllTextAsync(file, yaml.ToString());
        var cli = MigrationsBenchmark.Built(repositoryRoot, "src", "Orchestrator.Cli");
        try
        {
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "up", "-e", file, "--state-dir", stateDir]) { Timeout = TimeSpan.FromMinutes(10) }, CancellationToken.None);
            var shards = ShardSelection.Select(EnvironmentLoader.LoadOrThrow(file), []);
            var script = Path.Combine(directory, "migrations.sql");
            await File.WriteAllTextAsync(script, await ScriptAsync(shards[0], stateDir, assembly));

            var fannedOut = new List<TimeSpan>();
            var oneAfterAnother = new List<TimeSpan>();
            var psql = new List<TimeSpan>();
            var sides = new List<(Func<string, Task> Run, List<TimeSpan> Times)>
            {
                (database => MigrateAsync(cli, directory, file, stateDir, database, assembly, parallel is { } bound ? ["--parallel", bound.ToString(CultureInfo.InvariantCulture)] : []), fannedOut),
                (database => MigrateAsync(cli, directory, file, stateDir, database, assembly, ["--parallel", "1"]), oneAfterAnother),
                (database => PsqlAsync(shards, stateDir, database, script), psql),
            };
            for (var round = 0; round < rounds; round++)
            {
                // Rotate which side goes first, so none always inherits another's background flushing.
                for (var i = 0; i < sides.Count; i++)
                {
                    var side = (round + i) % sides.Count;
                    var database = $"bench_{round}_{side}";
                    await Task.WhenAll(shards.Select(s => CreateDatabaseAsync(s, stateDir, database)));
                    var clock = Stopwatch.StartNew();
                    await sides[side].Run(database);
                    sides[side].Times.Add(clock.Elapsed);
                }
            }

            return new Result(MigrationsBenchmark.Median(fannedOut), MigrationsBenchmark.Median(oneAfterAnother), MigrationsBenchmark.Median(psql), parallel ?? RolloutOptions.DefaultParallel);
        }
        finally
        {
            await ProcessRunner.RunAsync(new ProcessSpec("dotnet", [cli, "down", "-e", file, "--state-dir", stateDir, "--purge"]) { Timeout = TimeSpan.FromMinutes(5) }, CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task MigrateAsync(string cli, string directory, string file, string stateDir, string database, string assembly, string[] more)
    {
        var environment = Path.Combine(directory, $"{database}.yaml");
        var text = await File.ReadAllTextAsync(file);
        await File.WriteAllTextAsync(environment, text.Replace("database: app", $"database: {database}\nmigrations:\n  assembly: {assembly}", StringComparison.Ordinal));
        await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "migrate", "-e", environment, "--state-dir", stateDir, .. more]) { Timeout = TimeSpan.FromMinutes(30) }, CancellationToken.None);
    }

    /// <summary>The same SQL on every shard with psql, 4 runs at a time, as a shell loop with xargs -P 4 would.</summary>
    private static async Task PsqlAsync(IReadOnlyList<EnvironmentDefinition> shards, string stateDir, string database, string script)
    {
        using var slots = new SemaphoreSlim(4);
        await Task.WhenAll(shards.Select(async shard =>
        {
            await slots.WaitAsync();
            try
            {
                var node = shard.Primary;
                var credentials = CredentialStore.Resolve(shard, StateLayout.For(shard, stateDir), create: false);
                await ProcessRunner.RunCheckedAsync(
                    new ProcessSpec("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", node.Host, "-p", node.Port.ToString(CultureInfo.InvariantCulture), "-U", credentials.AdminUser, "-d", database, "-f", script])
                    {
                        Environment = new Dictionary<string, string>(BaselineTls.Libpq(credentials)) { ["PGPASSWORD"] = credentials.AdminPassword.Reveal() },
                    },
                    CancellationToken.None);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    private static async Task CreateDatabaseAsync(EnvironmentDefinition shard, string stateDir, string database)
    {
        var engine = EngineRegistry.For(shard.Engine);
        var credentials = CredentialStore.Resolve(shard, StateLayout.For(shard, stateDir), create: false);
        await using var session = await engine.ConnectAsync(engine.AdminTarget(shard.Primary, credentials, null), CancellationToken.None);
        await session.ExecuteAsync($"CREATE DATABASE {database}");
    }

    /// <summary>The very statements the migrations generate, for psql.</summary>
    private static async Task<string> ScriptAsync(EnvironmentDefinition shard, string stateDir, string assembly)
    {
        await CreateDatabaseAsync(shard, stateDir, "bench_script");
        var environment = shard with { Database = "bench_script", Migrations = new MigrationsDefinition(null, assembly, []) };
        await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(environment, stateDir, SilentProgress.Instance), CancellationToken.None);
        var plan = await target.Runner.PlanAsync(target.Project, null, CancellationToken.None);
        return string.Join('\n', plan.Steps.SelectMany(s => s.Steps).Select(s => s.Text.TrimEnd().TrimEnd(';') + ";")) + "\n";
    }
}
