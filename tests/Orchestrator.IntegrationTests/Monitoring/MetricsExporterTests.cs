using Orchestrator.Cli;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests.Monitoring;

/// <summary>
/// `orchestrator metrics` on a topology of its own, scraped by a real Prometheus server, whose
/// HTTP API the test reads: every node up, a lag series per replica, the schema version moving
/// after a migrate, and a stopped replica at up 0 while the others stay at 1.
/// </summary>
public abstract class MetricsExporterTests
{
    private readonly EngineKind _engine;
    private readonly string _name;
    private readonly ITestOutputHelper _output;

    private protected MetricsExporterTests(EngineKind engine, string name, ITestOutputHelper output)
    {
        _engine = engine;
        _name = name;
        _output = output;
    }

    /// <summary>The lag metric this engine reports.</summary>
    protected abstract string LagMetric { get; }

    [Fact]
    public async Task Prometheus_sees_the_topology_a_migration_and_a_stopped_replica()
    {
        await using var topology = await TestTopology.StartAsync(_engine, _name);
        var env = topology.WriteMigrationEnvironment("app", "assembly", BuiltArtifacts.TestMigrations, "basic");
        var port = FreePorts.Take(1)[0];
        using var stop = new CancellationTokenSource();
        var log = new StringWriter();
        var exporter = Task.Run(() => CliApp.RunAsync(["metrics", "-e", env, "--state-dir", topology.StateDir, "--listen", $"127.0.0.1:{port}", "--table-interval", "1s"], PlainConsole.Create(TextWriter.Synchronized(log)), stop.Token));
        try
        {
            await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{port}");
            await EventuallyAsync(prometheus, "orchestrator_node_up", up => up.Count == 3 && up.Values.All(v => v == 1), "every node up");
            await EventuallyAsync(prometheus, LagMetric, lag => lag.Keys.Order().SequenceEqual(["replica-1", "replica-2"]), "a lag series for each replica");
            await EventuallyAsync(prometheus, "orchestrator_pending_migrations", pending => pending.Count == 3 && pending.Values.All(v => v == 4), "4 pending migrations on every node");

            var (exit, migrate) = await CliRunner.RunAsync("migrate", "-e", env, "--state-dir", topology.StateDir);
            Assert.True(exit == 0, migrate);
            await EventuallyAsync(prometheus, "orchestrator_schema_version", version => version.Count == 3 && version.Values.All(v => v == 1004), "schema version 1004 on every node");
            await EventuallyAsync(prometheus, "orchestrator_pending_migrations", pending => pending.Values.All(v => v == 0), "nothing pending");
            await EventuallyAsync(prometheus, "orchestrator_table_size_bytes{table=\"widgets\"}", size => size.Count == 3 && size.Values.All(v => v > 0), "the widgets table's size on every node");

            // PostgreSQL's fast shutdown (SIGINT): a smart one waits for every session, the exporter's included.
            Libc.Kill(topology.ServerPid("replica-2"), _engine == EngineKind.Postgres ? Libc.SigInt : Libc.SigTerm);
            await EventuallyAsync(
                prometheus,
                "orchestrator_node_up",
                up => up.GetValueOrDefault("replica-2", -1) == 0 && up.GetValueOrDefault("primary") == 1 && up.GetValueOrDefault("replica-1") == 1,
                "replica-2 down, the others up");
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await exporter);
            _output.WriteLine(log.ToString());
        }
    }

    private static Task EventuallyAsync(PrometheusServer prometheus, string promql, Func<IReadOnlyDictionary<string, double>, bool> holds, string what) =>
        TestTopology.EventuallyAsync(async () => holds(await prometheus.ByNodeAsync(promql)), $"Prometheus shows {what} ({promql})");
}

public sealed class PostgresMetricsExporterTests(ITestOutputHelper output) : MetricsExporterTests(EngineKind.Postgres, "it-pg-metrics", output)
{
    protected override string LagMetric => "orchestrator_replication_lag_bytes";
}

public sealed class MariaDbMetricsExporterTests(ITestOutputHelper output) : MetricsExporterTests(EngineKind.MariaDb, "it-mdb-metrics", output)
{
    protected override string LagMetric => "orchestrator_replication_lag_transactions";
}
