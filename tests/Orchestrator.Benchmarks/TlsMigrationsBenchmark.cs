using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `orchestrator migrate` of N generated migrations on a local primary with TLS (the default:
/// every session encrypted, the certificate checked against the environment CA) against the same
/// on a primary with tls: disable, alternating which goes first.
/// </summary>
internal static class TlsMigrationsBenchmark
{
    public sealed record Result(TimeSpan WithTls, TimeSpan Plain);

    public static async Task<Result> RunAsync(string repositoryRoot, EngineKind engine, string assembly, int rounds)
    {
        await using var encrypted = await BenchPrimary.StartAsync(engine);
        await using var plain = await BenchPrimary.StartAsync(engine, tls: "disable");
        var cli = MigrationsBenchmark.Built(repositoryRoot, "src", "Orchestrator.Cli");
        var withTls = new List<TimeSpan>();
        var without = new List<TimeSpan>();
        var sides = new[] { (Primary: encrypted, Times: withTls), (Primary: plain, Times: without) };
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < sides.Length; i++)
            {
                var (primary, times) = sides[(round + i) % sides.Length];
                var database = $"tls_{round}";
                await primary.CreateDatabaseAsync(database);
                var environment = await primary.EnvironmentForAsync(database, assembly);
                var clock = Stopwatch.StartNew();
                await ProcessRunner.RunCheckedAsync(new ProcessSpec("dotnet", [cli, "migrate", "-e", environment, "--state-dir", primary.StateDir]) { Timeout = TimeSpan.FromMinutes(30) }, CancellationToken.None);
                times.Add(clock.Elapsed);
            }
        }

        return new Result(MigrationsBenchmark.Median(withTls), MigrationsBenchmark.Median(without));
    }
}
