using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Composition;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `orchestrator migrate` of N generated FluentMigrator migrations (a table, an index and a row
/// each) on a local primary, against the same SQL run by the engine's own client in one session,
/// with the version rows FluentMigrator's runner writes, and against FluentMigrator's own runner
/// as a process, each on a fresh database.
/// </summary>
internal static class MigrationsBenchmark
{
    public sealed record Result(TimeSpan Tool, TimeSpan Client, TimeSpan FluentMigrator);

    public static async Task<Result> RunAsync(string repositoryRoot, EngineKind engine, string assembly, int rounds, bool withFluentMigrator = true)
    {
        await using var primary = await BenchPrimary.StartAsync(engine);
        var script = Path.Combine(primary.Directory, "migrations.sql");
        await File.WriteAllTextAsync(script, await ScriptAsync(primary, assembly));
        var cli = Built(repositoryRoot, "src", "Orchestrator.Cli");
        var host = Built(repositoryRoot, "tests", "Orchestrator.FluentMigratorHost");

        var tool = new List<TimeSpan>();
        var client = new List<TimeSpan>();
        var fluentMigrator = new List<TimeSpan>();
        var sides = new List<(Func<string, Task> Run, List<TimeSpan> Times)>
        {
            (async database =>
            {
                var environment = await primary.EnvironmentForAsync(database, assembly);
                await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "migrate", "-e", environment, "--state-dir", primary.StateDir]) { Timeout = TimeSpan.FromMinutes(30) }, CancellationToken.None);
            }, tool),
            (database => RunClientAsync(primary, database, script), client),
        };
        if (withFluentMigrator)
        {
            sides.Add((database => ProcessRunner.RunCheckedAsync(
                new ProcessSpec("dotnet", [host, primary.Environment.Engine.ToText(), primary.ConnectionString(database), assembly]) { Timeout = TimeSpan.FromMinutes(30) },
                CancellationToken.None), fluentMigrator));
        }

        for (var round = 0; round < rounds; round++)
        {
            // Rotate which side goes first, so none always inherits another's background flushing.
            for (var i = 0; i < sides.Count; i++)
            {
                var (run, times) = sides[(round + i) % sides.Count];
                var database = $"bench_{round}_{(round + i) % sides.Count}";
                await primary.CreateDatabaseAsync(database);
                var clock = Stopwatch.StartNew();
                await run(database);
                times.Add(clock.Elapsed);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {engine} round {round + 1}, side {(round + i) % sides.Count + 1} (tool, client, FluentMigrator): {clock.Elapsed.TotalSeconds:0.000} s"));
            }
        }

        return new Result(Median(tool), Median(client), withFluentMigrator ? Median(fluentMigrator) : TimeSpan.Zero);
    }

    /// <summary>The command users run (./orchestrator): the published build, else the plain Release build.</summary>
    internal static string Built(string root, string folder, string project)
    {
        var published = Path.Combine(root, "artifacts", "cli", $"{project}.dll");
        return project == "Orchestrator.Cli" && File.Exists(published) ? published : Path.Combine(root, folder, project, "bin", "Release", "net10.0", $"{project}.dll");
    }

    internal static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    /// <summary>
    /// The very statements the migrations generate for this engine, one per line, for its client,
    /// each migration followed by its row in FluentMigrator's version table (created first), as
    /// FluentMigrator's own runner writes it: a migration run by hand is recorded too.
    /// </summary>
    private static async Task<string> ScriptAsync(BenchPrimary primary, string assembly)
    {
        await primary.CreateDatabaseAsync("bench_script");
        var environment = EnvironmentLoader.LoadOrThrow(await primary.EnvironmentForAsync("bench_script", assembly));
        await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(environment, primary.StateDir, SilentProgress.Instance), CancellationToken.None);
        var plan = await target.Runner.PlanAsync(target.Project, null, CancellationToken.None);
        var postgres = environment.Engine == EngineKind.Postgres;
        var table = postgres ? "\"public\".\"VersionInfo\" (\"Version\", \"AppliedOn\", \"Description\")" : "`VersionInfo` (`Version`, `AppliedOn`, `Description`)";
        var lines = new List<string>
        {
            postgres
                ? "CREATE TABLE \"public\".\"VersionInfo\" (\"Version\" bigint NOT NULL PRIMARY KEY, \"AppliedOn\" timestamp, \"Description\" varchar(1024))"
                : "CREATE TABLE `VersionInfo` (`Version` BIGINT NOT NULL PRIMARY KEY, `AppliedOn` DATETIME, `Description` VARCHAR(1024)) ENGINE=InnoDB",
        };
        foreach (var migration in plan.Steps)
        {
            lines.AddRange(migration.Steps.Select(s => s.Text.TrimEnd().TrimEnd(';')));
            var description = migration.Migration.Description.Replace("'", "''", StringComparison.Ordinal);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"INSERT INTO {table} VALUES ({migration.Migration.Version}, {(postgres ? "now()" : "UTC_TIMESTAMP()")}, '{description}')"));
        }

        return string.Join('\n', lines.Select(line => line + ";")) + "\n";
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
                    Environment = new Dictionary<string, string>(BaselineTls.Libpq(credentials)) { ["PGPASSWORD"] = credentials.AdminPassword.Reveal() },
                },
                CancellationToken.None);
            return;
        }

        var options = Path.Combine(primary.Directory, "client.cnf");
        await File.WriteAllTextAsync(options, $"[client]\nuser = {credentials.AdminUser}\npassword = \"{credentials.AdminPassword.Reveal()}\"\n");
        await using var input = File.OpenRead(script);
        await ProcessRunner.RunCheckedAsync(
            new ProcessSpec("mariadb", [$"--defaults-extra-file={options}", "-h", node.Host, "-P", port, "--protocol=TCP", .. BaselineTls.MariaDbClient(credentials), database]),
            CancellationToken.None,
            input);
    }
}
