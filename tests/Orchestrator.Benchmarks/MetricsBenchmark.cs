using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;

namespace Orchestrator.Benchmarks;

/// <summary>
/// The latency of one scrape of /metrics: `orchestrator metrics` over a PostgreSQL primary and two
/// replicas whose database has 200 tables (each with an index and rows), against
/// prometheus-postgres-exporter (Debian's, default collectors) scraping the same primary. Both run as
/// processes and are warmed up first; also each exporter's CPU time per scrape, from /proc.
/// </summary>
internal static class MetricsBenchmark
{
    public sealed record Side(TimeSpan Latency, TimeSpan CpuPerScrape, int Samples);

    public sealed record Result(Side Tool, Side PostgresExporter);

    private const int Tables = 200;

    public static async Task<Result> RunAsync(string repositoryRoot, int scrapes)
    {
        await using var bench = await BenchPrimary.StartAsync(EngineKind.Postgres, replicas: 2);
        await using (var session = await bench.Engine.ConnectAsync(bench.Engine.AdminTarget(bench.Environment.Primary, bench.Credentials, bench.Environment.Database), CancellationToken.None))
        {
            for (var i = 1; i <= Tables; i++)
            {
                await session.ExecuteAsync($"CREATE TABLE t{i} (id int PRIMARY KEY, code int NOT NULL, note text); CREATE INDEX t{i}_code ON t{i} (code); INSERT INTO t{i} SELECT g, g, 'row' FROM generate_series(1, 100) g");
            }
        }

        var ports = FreePorts.Take(2);
        var cli = Path.Combine(repositoryRoot, "artifacts", "cli", "Orchestrator.Cli.dll");
        cli = File.Exists(cli) ? cli : Path.Combine(repositoryRoot, "src", "Orchestrator.Cli", "bin", "Release", "net10.0", "Orchestrator.Cli.dll");
        var tool = new ProcessStartInfo("dotnet") { ArgumentList = { cli, "metrics", "-e", bench.Environment.FilePath, "--state-dir", bench.StateDir, "--listen", $"127.0.0.1:{ports[0]}" } };
        var primary = bench.Environment.Primary;
        var credentials = bench.Credentials;
        var exporter = new ProcessStartInfo("/usr/bin/prometheus-postgres-exporter") { ArgumentList = { $"--web.listen-address=127.0.0.1:{ports[1]}" } };
        exporter.Environment["DATA_SOURCE_NAME"] =
            $"postgresql://{Uri.EscapeDataString(credentials.AdminUser)}:{Uri.EscapeDataString(credentials.AdminPassword.Reveal())}@{primary.Host}:{primary.Port}/{bench.Environment.Database}?sslmode=verify-full&sslrootcert={Uri.EscapeDataString(bench.Credentials.TrustedCaFile!)}";
        var toolSide = await MeasureAsync(tool, ports[0], scrapes);
        var exporterSide = await MeasureAsync(exporter, ports[1], scrapes);
        return new Result(toolSide, exporterSide);
    }

    private static async Task<Side> MeasureAsync(ProcessStartInfo start, int port, int scrapes)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var url = $"http://127.0.0.1:{port}/metrics";
        try
        {
            var ready = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    if ((await http.GetAsync(url)).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (ready.Elapsed < TimeSpan.FromSeconds(30))
                {
                }

                await Task.Delay(100);
            }

            // Warm: connections made, code paths compiled.
            for (var i = 0; i < 3; i++)
            {
                await http.GetStringAsync(url);
            }

            var cpuBefore = CpuTime(process.Id);
            var latencies = new List<TimeSpan>();
            var samples = 0;
            for (var i = 0; i < scrapes; i++)
            {
                var clock = Stopwatch.StartNew();
                var body = await http.GetStringAsync(url);
                latencies.Add(clock.Elapsed);
                samples = body.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
            }

            var cpu = (CpuTime(process.Id) - cpuBefore) / scrapes;
            return new Side(latencies.Order().ElementAt(latencies.Count / 2), cpu, samples);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>User plus system CPU time of a process (and its threads), from /proc/PID/stat.</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
