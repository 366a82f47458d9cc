using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Drift;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Monitoring;
using Orchestrator.Replication;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Engines.Postgres;

internal sealed class PostgresEngine : IEngine, IServerEngine, IMigrationEngine, IBackedUpEngine, IDriftEngine, IMonitoredEngine
{
    private const string ObserveSql = """
        SELECT pg_is_in_recovery() AS in_recovery,
               current_setting('server_version') AS version,
               (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS position,
               r.status AS receiver_status, r.sender_host, r.sender_port,
               (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS connections,
               current_setting('synchronous_standby_names') <> '' AS sync_waits,
               (SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')) AS sync_acknowledging,
               (SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep') AS sync_waiting,
               CASE WHEN current_setting('ssl') = 'on' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                    THEN pg_read_file(current_setting('ssl_cert_file')) END AS certificate,
               current_setting('archive_mode') <> 'off' AS archives,
               a.last_archived_wal, a.last_archived_time, a.last_failed_wal, a.last_failed_time, a.failed_count
        FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver AS r ON true LEFT JOIN pg_stat_archiver AS a ON true
        """;

    public EngineDescriptor Descriptor { get; } = new(EngineKind.Postgres, "PostgreSQL", new ServerProgram("postgres", 5432, PostgresBinaries.InImage.Path("postgres")));

    public async Task<IDbSession> ConnectAsync(ConnectionTarget target, CancellationToken cancellationToken) =>
        await PostgresSession.OpenAsync(target, cancellationToken);

    public ConnectionTarget AdminTarget(NodeDefinition node, EnvironmentCredentials credentials, string? database = null) =>
        new(node.Host, node.Port, credentials.AdminUser, credentials.AdminPassword, database ?? "postgres") { Tls = node.Tls, TrustedCaFile = credentials.TrustedCaFile, ClientCertificate = credentials.AdminCertificate };

    public async Task<NodeObservation> ObserveAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var row = (await session.QueryAsync(ObserveSql, cancellationToken: cancellationToken)).Single();
        var inRecovery = row.GetBoolean("in_recovery") == true;
        return new NodeObservation(
            inRecovery ? ObservedRole.Replica : ObservedRole.Primary,
            row.GetString("version") ?? session.ServerVersion,
            row.GetString("sender_host"),
            (int?)row.GetInt64("sender_port"),
            inRecovery ? row.GetString("receiver_status") ?? "disconnected" : null,
            row.GetString("position"),
            LagSeconds: null)
        {
            IsReplicating = inRecovery && row.GetString("receiver_status") == "streaming",
            Connections = row.GetInt64("connections"),
            Synchronous = inRecovery ? null : new SynchronousReplication(row.GetBoolean("sync_waits") == true, row.GetInt64("sync_acknowledging") ?? 0, row.GetInt64("sync_waiting") ?? 0),
            CertificateNotAfter = NotAfter(row.GetString("certificate")),
            Archive = row.GetBoolean("archives") == true
                ? new ArchiveObservation(row.GetString("last_archived_wal"), Utc(row.GetDateTime("last_archived_time")), row.GetString("last_failed_wal"), Utc(row.GetDateTime("last_failed_time")), row.GetInt64("failed_count") ?? 0)
                : null,
        };
    }

    private static DateTimeOffset? Utc(DateTime? moment) => moment is { } m ? new DateTimeOffset(DateTime.SpecifyKind(m.ToUniversalTime(), DateTimeKind.Utc)) : null;

    /// <summary>The end of validity of the PEM certificate the server reads (its ssl_cert_file); null for none.</summary>
    private static DateTimeOffset? NotAfter(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
            return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public ReplicationLag Lag(NodeObservation primary, NodeObservation replica)
    {
        if (primary.Position is null || replica.Position is null)
        {
            return new ReplicationLag(null, null);
        }

        var behind = (long)Lsn.Parse(primary.Position) - (long)Lsn.Parse(replica.Position);
        return new ReplicationLag(Math.Max(0, behind), null);
    }

    public IMigrationDialect MigrationDialect { get; } = new PostgresMigrationDialect();

    public IReplayPositions Replay { get; } = new PostgresReplayPositions();

    public IStatsReader Stats { get; } = new PostgresStatsReader();

    public ISchemaReader SchemaReader { get; } = new PostgresSchemaReader();

    public IMigrationStore MigrationStore(VersionTable table) => new PostgresMigrationStore(table);

    public ILockWaits LockWaits { get; } = new PostgresLockWaits();

    public IBackupEngine Backups => new PostgresBackups(this);

    public ILocalServer CreateLocalServer(LocalContext context) => PostgresLocalServer.Create(this, context);
}
