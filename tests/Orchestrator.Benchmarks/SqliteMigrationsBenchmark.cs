using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Composition;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `orchestrator migrate` of N generated FluentMigrator migrations into a fresh SQLite file,
/// against the sqlite3 shell running the same SQL into a fresh file, and against FluentMigrator's
/// own runner as a process.
/// </summary>
internal static class SqliteMigrationsBenchmark
{
    public sealed record Result(TimeSpan Tool, TimeSpan Shell, TimeSpan FluentMigrator);

    public static async Task<Result> RunAsync(string repositoryRoot, string assembly, int rounds)
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-sqlite-").FullName;
        try
        {
            var script = Path.Combine(work, "migrations.sql");
            await File.WriteAllTextAsync(script, await ScriptAsync(work, assembly));
            var cli = Path.Combine(repositoryRoot, "artifacts", "cli", "Orchestrator.Cli.dll");
            cli = File.Exists(cli) ? cli : Path.Combine(repositoryRoot, "src", "Orchestrator.Cli", "bin", "Release", "net10.0", "Orchestrator.Cli.dll");
            var host = Path.Combine(repositoryRoot, "tests", "Orchestrator.FluentMigratorHost", "bin", "Release", "net10.0", "Orchestrator.FluentMigratorHost.dll");
            var tool = new List<TimeSpan>();
            var shell = new List<TimeSpan>();
            var fluentMigrator = new List<TimeSpan>();
            var sides = new List<(Func<string, Task> Run, List<TimeSpan> Times)>
            {
                (async file => await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "migrate", "-e", await EnvironmentAsync(work, file, assembly)]), CancellationToken.None), tool),
                (async file =>
                {
                    await using var input = File.OpenRead(script);
                    await ProcessRunner.RunCheckedAsync(new ProcessSpec("sqlite3", ["-bail", file]), CancellationToken.None, input);
                }, shell),
                (file => ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [host, "sqlite", $"Data Source={file}", assembly]), CancellationToken.None), fluentMigrator),
            };
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < sides.Count; i++)
                {
                    var (run, times) = sides[(round + i) % sides.Count];
                    var file = Path.Combine(work, $"bench_{round}_{i}.db");
                    var clock = Stopwatch.StartNew();
                    await run(file);
                    times.Add(clock.Elapsed);
                }
            }

            return new Result(Median(tool), Median(shell), Median(fluentMigrator));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> EnvironmentAsync(string work, string file, string assembly)
    {
        var path = Path.Combine(work, Path.GetFileNameWithoutExtension(file) + ".yaml");
        await File.WriteAllTextAsync(path, $"name: bench\nengine: sqlite\nfile: {file}\nmigrations:\n  assembly: {assembly}\n");
        return path;
    }

    /// <summary>The very statements the migrations generate for SQLite, in order, for the shell.</summary>
    private static async Task<string> ScriptAsync(string work, string assembly)
    {
        var environment = EnvironmentLoader.LoadOrThrow(await EnvironmentAsync(work, Path.Combine(work, "script.db"), assembly));
        await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(environment, null, SilentProgress.Instance), CancellationToken.None);
        var plan = await target.Runner.PlanAsync(target.Project, null, CancellationToken.None);
        return string.Join('\n', plan.Steps.SelectMany(s => s.Steps).Select(s => s.Text.TrimEnd().TrimEnd(';') + ";")) + "\n";
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
}
