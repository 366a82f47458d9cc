using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Servers;
using Orchestrator.Topology;
using Prometheus;
using Orchestrator.Context;

namespace Orchestrator.Monitoring;

/// <summary>
/// The environment's metrics in a registry of their own. What each node says about itself (up,
/// role, lag, position, connections, schema version, pending migrations) is read afresh at every
/// scrape, in parallel, each node within <see cref="PerNode"/>. Table, index and slot statistics
/// cost far more to read (every relation's files are measured) and change slowly: they are read
/// in the background every <see cref="TableInterval"/> and exported from the latest read, whose
/// age <c>orchestrator_table_stats_age_seconds</c> gives. Connections are kept between reads,
/// never inside a transaction. An unreachable node is <c>orchestrator_node_up 0</c>, never a
/// failed scrape. Series of nodes, tables or slots that are gone are removed. Scrapes arriving
/// together take turns.
/// </summary>
internal sealed class TopologyMetrics : IAsyncDisposable
{
    private static readonly string[] NodeLabels = ["environment", "node", "engine"];
    private readonly EnvironmentContext _context;
    private readonly EnvironmentDefinition _environment;
    private readonly IReplayPositions _replay;
    private readonly Task<(MigrationProject? Project, string? Problem)> _migrations;
    private readonly List<Series> _series = [];
    private readonly List<Series> _tableSeries = [];
    private readonly KeptSessions _sessions;
    private readonly KeptSessions _statsSessions;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _statsLoop;
    private (EnvironmentStats Stats, DateTime ReadAt)? _latestStats;
    private EnvironmentStats? _exportedStats;
    private readonly Series _up, _role, _lagBytes, _lagSeconds, _lagTransactions, _position, _connections, _certificateExpiry, _archivedAt, _archiveFailing;
    private readonly Series _schemaVersion, _pending, _sinceMigration;
    private readonly Series _syncWaits, _syncExpected, _syncAcknowledging, _syncWaitingCommits, _syncStalled;
    private readonly Series _slotRetained, _tableBytes, _indexBytes, _rows, _dead, _statsAge;
    private readonly Gauge _writable;

    /// <param name="tableInterval">How often table, index and slot statistics are read (default 30 s).</param>
    public TopologyMetrics(EnvironmentContext context, TimeSpan? tableInterval = null)
    {
        TableInterval = tableInterval ?? TimeSpan.FromSeconds(30);
        _context = context;
        var (environment, engine) = (context.Definition, context.Engine);
        _environment = environment;
        _replay = engine.Replay;
        var credentials = context.Credentials;
        _sessions = new KeptSessions(environment, engine, credentials);
        _statsSessions = new KeptSessions(environment, engine, credentials);
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        Series Gauge(string name, string help, params string[] extra)
        {
            var series = new Series(factory.CreateGauge(name, help, [.. NodeLabels, .. extra]));
            _series.Add(series);
            return series;
        }

        _writable = factory.CreateGauge("orchestrator_writable_nodes", "Nodes that answered as a primary, accepting writes; more than 1 is a split brain.", "environment", "engine");

        // Set once per statistics read rather than at every scrape.
        Series TableGauge(string name, string help, params string[] extra)
        {
            var series = new Series(factory.CreateGauge(name, help, [.. NodeLabels, .. extra]));
            _tableSeries.Add(series);
            return series;
        }

        _up = Gauge("orchestrator_node_up", "1 when the node answered this scrape, else 0.");
        _role = Gauge("orchestrator_node_role", "1 for the role the server reports itself in (primary or replica).", "role");
        _lagBytes = Gauge("orchestrator_replication_lag_bytes", "WAL the replica has not replayed yet (PostgreSQL).");
        _lagSeconds = Gauge("orchestrator_replication_lag_seconds", "Seconds the replica is behind, as the server reports it (MariaDB).");
        _lagTransactions = Gauge("orchestrator_replication_lag_transactions", "GTIDs the replica has not applied yet (MariaDB).");
        _position = Gauge("orchestrator_replication_position", "Replay position: the WAL LSN in bytes (PostgreSQL), the sum of GTID sequence numbers (MariaDB).");
        _connections = Gauge("orchestrator_node_connections", "Client connections to the server.");
        _certificateExpiry = Gauge("orchestrator_tls_certificate_expiry_seconds", "When the certificate the server presents stops being valid, as a Unix time in seconds (alert on it minus time()).");
        _archivedAt = Gauge("orchestrator_archive_last_success_timestamp", "When the node last archived a WAL file, as a Unix time in seconds (alert on time() minus it, against backup.archive_timeout).");
        _archiveFailing = Gauge("orchestrator_archive_failing", "1 when the node's latest attempt to archive a WAL file failed, 0 when it succeeded.");
        _syncWaits = Gauge("orchestrator_synchronous_replication_active", "On a primary: 1 when commits wait for a synchronous replica's acknowledgement, 0 when they do not (never asked for, or fallen back to asynchronous).");
        _syncExpected = Gauge("orchestrator_synchronous_replication_expected", "On a primary: 1 when the environment file gives it a synchronous replica; active below expected is a fall-back.");
        _syncAcknowledging = Gauge("orchestrator_synchronous_replicas_acknowledging", "On a primary: replicas connected that acknowledge commits.");
        _syncWaitingCommits = Gauge("orchestrator_commits_waiting_for_replica", "On a primary: commits waiting for a synchronous replica's acknowledgement right now.");
        _syncStalled = Gauge("orchestrator_commits_stalled", "On a primary: 1 when commits wait and make no progress although a synchronous replica is connected (see status), else 0.");
        _schemaVersion = Gauge("orchestrator_schema_version", "Newest migration version recorded on the node.");
        _pending = Gauge("orchestrator_pending_migrations", "Selected migrations the node has not applied or replayed.");
        _sinceMigration = Gauge("orchestrator_last_migration_age_seconds", "Seconds since the newest migration on the node was applied.");
        _slotRetained = TableGauge("orchestrator_replication_slot_retained_wal_bytes", "WAL a replication slot keeps on the node (PostgreSQL).", "slot");
        _tableBytes = TableGauge("orchestrator_table_size_bytes", "A table's size with its indexes and TOAST.", "table");
        _indexBytes = TableGauge("orchestrator_table_index_size_bytes", "The size of a table's indexes.", "table");
        _rows = TableGauge("orchestrator_table_rows_estimate", "The engine's estimate of a table's rows.", "table");
        _dead = TableGauge("orchestrator_table_dead_tuples", "Dead tuples waiting for vacuum (PostgreSQL).", "table");
        _statsAge = Gauge("orchestrator_table_stats_age_seconds", "Seconds since the table, index and slot statistics of the node were read.");

        // The migrations load once: a scrape never builds the project.
        _migrations = Task.Run(() => MigrationProject.TryLoadAsync(environment, CancellationToken.None));
        Registry.AddBeforeCollectCallback(RefreshAsync);
        _statsLoop = Task.Run(ReadStatsEveryIntervalAsync);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>How long one node may take to answer within a scrape.</summary>
    public TimeSpan PerNode { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan TableInterval { get; }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            await RefreshInTurnAsync(cancellationToken);
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task RefreshInTurnAsync(CancellationToken cancellationToken)
    {
        var status = await StatusReader.ReadAsync(_context, _migrations, cancellationToken, PerNode, _sessions);
        foreach (var series in _series)
        {
            series.Begin();
        }

        var engine = _environment.Engine.ToText();
        _writable.WithLabels(_environment.Name, engine).Set(status.WritableNodes.Count);
        foreach (var node in status.Nodes)
        {
            string[] labels = [_environment.Name, node.Name, engine];
            _up.Set(labels, node.Reachable ? 1 : 0);
            if (!node.Reachable || node.Role is not { } role)
            {
                continue;
            }

            _role.Set([.. labels, role.ToString().ToLowerInvariant()], 1);
            _lagBytes.SetIf(labels, node.LagBytes);
            _lagSeconds.SetIf(labels, node.LagSeconds);
            _lagTransactions.SetIf(labels, node.LagTransactions);
            _position.SetIf(labels, _replay.Numeric(node.Position));
            _connections.SetIf(labels, node.Connections);
            _certificateExpiry.SetIf(labels, node.CertificateNotAfter?.ToUnixTimeSeconds());
            if (node.Archive is { } archive)
            {
                _archivedAt.SetIf(labels, archive.LastArchivedAt?.ToUnixTimeSeconds());
                _archiveFailing.Set(labels, archive.Failing ? 1 : 0);
            }
            if (node.Synchronous is { } sync)
            {
                _syncWaits.Set(labels, sync.Waits ? 1 : 0);
                _syncExpected.Set(labels, node.ExpectsSynchronous ? 1 : 0);
                _syncAcknowledging.Set(labels, sync.Acknowledging);
                _syncWaitingCommits.Set(labels, sync.WaitingCommits);
                _syncStalled.Set(labels, sync.Stalled ? 1 : 0);
            }

            _schemaVersion.SetIf(labels, node.SchemaVersion);
            _pending.SetIf(labels, node.PendingMigrations);
            _sinceMigration.SetIf(labels, node.LastAppliedOn is { } at ? (DateTime.UtcNow - DateTime.SpecifyKind(at, DateTimeKind.Utc)).TotalSeconds : null);
        }

        var latest = _latestStats;
        foreach (var node in latest?.Stats.Nodes.Where(n => n.Reachable) ?? [])
        {
            _statsAge.Set([_environment.Name, node.Node, engine], (DateTime.UtcNow - latest!.Value.ReadAt).TotalSeconds);
        }

        foreach (var series in _series)
        {
            series.RemoveUnset();
        }

        if (latest is { } read && !ReferenceEquals(read.Stats, _exportedStats))
        {
            ExportTables(read.Stats, engine);
            _exportedStats = read.Stats;
        }
    }

    private void ExportTables(EnvironmentStats stats, string engine)
    {
        foreach (var series in _tableSeries)
        {
            series.Begin();
        }

        foreach (var node in stats.Nodes.Where(n => n.Reachable))
        {
            string[] labels = [_environment.Name, node.Node, engine];
            foreach (var slot in node.ReplicationSlots)
            {
                _slotRetained.SetIf([.. labels, slot.Name], slot.RetainedWalBytes);
            }

            foreach (var table in node.Tables)
            {
                _tableBytes.Set([.. labels, table.Table], table.TotalBytes);
                _indexBytes.Set([.. labels, table.Table], table.IndexBytes);
                _rows.SetIf([.. labels, table.Table], table.RowsEstimate);
                _dead.SetIf([.. labels, table.Table], table.DeadTuples);
            }
        }

        foreach (var series in _tableSeries)
        {
            series.RemoveUnset();
        }
    }

    private async Task ReadStatsEveryIntervalAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var stats = await StatsCollector.ReadAsync(_context, [], new StatsRequest(), PerNode, _stop.Token, _statsSessions);
                _latestStats = (stats, DateTime.UtcNow);
                await Task.Delay(TableInterval, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _statsLoop;
        _stop.Dispose();
        await _statsSessions.DisposeAsync();
        await _sessions.DisposeAsync();
        _turn.Dispose();
        if (_migrations.IsCompletedSuccessfully && _migrations.Result.Project is { } project)
        {
            project.Dispose();
        }
    }

    /// <summary>A gauge whose label sets not set during a refresh are removed at its end.</summary>
    private sealed class Series(Gauge gauge)
    {
        private HashSet<string> _set = [];
        private readonly HashSet<string> _previous = [];

        public void Begin()
        {
            _previous.UnionWith(_set);
            _set = [];
        }

        public void Set(string[] labels, double value)
        {
            gauge.WithLabels(labels).Set(value);
            _set.Add(string.Join('\u001f', labels));
        }

        public void SetIf(string[] labels, double? value)
        {
            if (value is { } known)
            {
                Set(labels, known);
            }
        }

        public void RemoveUnset()
        {
            foreach (var key in _previous.Where(k => !_set.Contains(k)))
            {
                gauge.RemoveLabelled(key.Split('\u001f'));
            }

            _previous.Clear();
        }
    }
}
