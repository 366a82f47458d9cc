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

namespace Orchestrator.Engines.MariaDb;

internal sealed class MariaDbEngine : IEngine, IServerEngine, IMigrationEngine, IBackedUpEngine, IDriftEngine, IMonitoredEngine
{
    public EngineDescriptor Descriptor { get; } = new(EngineKind.MariaDb, "MariaDB", new ServerProgram("mysql", 3306, "/usr/sbin/mariadbd"));

    public async Task<IDbSession> ConnectAsync(ConnectionTarget target, CancellationToken cancellationToken) =>
        await MariaDbSession.OpenAsync(target, cancellationToken);

    public ConnectionTarget AdminTarget(NodeDefinition node, EnvironmentCredentials credentials, string? database = null) =>
        new(node.Host, node.Port, credentials.AdminUser, credentials.AdminPassword, database) { Tls = node.Tls, TrustedCaFile = credentials.TrustedCaFile, ClientCertificate = credentials.AdminCertificate };

    public async Task<NodeObservation> ObserveAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var variables = (await session.QueryAsync(
            "SELECT @@version AS version, @@gtid_slave_pos AS slave_pos, @@read_only AS read_only, " + MariaDbMissedAcknowledgement.PrimaryLook.Columns + ", " +
            "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'THREADS_CONNECTED') AS connections, " +
            "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_STATUS') AS sync_waits, " +
            "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_CLIENTS') AS sync_acknowledging, " +
            "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SSL_SERVER_NOT_AFTER') AS certificate_not_after",
            cancellationToken: cancellationToken)).Single();
        var replica = (await session.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken))
            .FirstOrDefault(r => !string.IsNullOrEmpty(r.GetString("Master_Host")));
        var connections = variables.GetInt64("connections");
        var certificateNotAfter = NotAfter(variables.GetString("certificate_not_after"));

        // A failover's promotion takes writes before it stops its replication; interrupted in
        // between, the node is writable, its applier stopped, its old source still named. It is
        // the primary: taken for a replica, another node could be promoted beside it.
        var unfinished = replica is not null && variables.GetInt64("read_only") == 0 && replica.GetString("Slave_SQL_Running") != "Yes";
        if (replica is null || unfinished)
        {
            // Without a source, read_only marks a demoted or fenced node, not a primary.
            return variables.GetInt64("read_only") == 1
                ? new NodeObservation(ObservedRole.Replica, variables.GetString("version")!, null, null, "read-only, replicating from nobody", variables.GetString("binlog_pos"), null) { Connections = connections, CertificateNotAfter = certificateNotAfter }
                : new NodeObservation(ObservedRole.Primary, variables.GetString("version")!, null, null, unfinished ? $"promotion unfinished: still names {replica!.GetString("Master_Host")} as its source ('up' finishes it)" : null, variables.GetString("binlog_pos"), null)
                {
                    PromotionUnfinished = unfinished,
                    Connections = connections,
                    CertificateNotAfter = certificateNotAfter,

                    // Off both when not asked for and when the primary fell back to asynchronous replication.
                    Synchronous = await SynchronousReplicationAsync(session, variables, cancellationToken),
                };
        }

        return new NodeObservation(
            ObservedRole.Replica,
            variables.GetString("version")!,
            replica.GetString("Master_Host"),
            (int?)replica.GetInt64("Master_Port"),
            ReplicationState(replica),
            variables.GetString("slave_pos"),
            replica.GetDouble("Seconds_Behind_Master"))
        {
            IsReplicating = replica.GetString("Slave_IO_Running") == "Yes" && replica.GetString("Slave_SQL_Running") == "Yes",
            Connections = connections,
            CertificateNotAfter = certificateNotAfter,
        };
    }

    /// <summary>
    /// Semi-synchronous replication as the primary reports it. Commits waiting while a replica
    /// acknowledges are looked at again a moment later: acknowledged commits or new ones in the
    /// binary log between the looks mean it moves; neither means it is stalled.
    /// </summary>
    private static async Task<SynchronousReplication> SynchronousReplicationAsync(IDbSession session, DbRow variables, CancellationToken cancellationToken)
    {
        var (waits, acknowledging) = (variables.GetString("sync_waits") == "ON", variables.GetInt64("sync_acknowledging") ?? 0);
        var first = MariaDbMissedAcknowledgement.PrimaryLook.From(variables);
        if (first.Waiting == 0 || acknowledging == 0)
        {
            return new SynchronousReplication(waits, acknowledging, first.Waiting);
        }

        await Task.Delay(MariaDbMissedAcknowledgement.SecondLook, cancellationToken);
        var stalled = (await MariaDbMissedAcknowledgement.PrimaryLook.TakeAsync(session, cancellationToken)).StalledSince(first);
        return new SynchronousReplication(waits, acknowledging, first.Waiting, stalled);
    }

    /// <summary>Ssl_server_not_after as OpenSSL prints it ("Dec  4 22:02:21 2027 GMT"); null without TLS.</summary>
    private static DateTimeOffset? NotAfter(string? text) =>
        DateTimeOffset.TryParseExact(
            text?.Replace("  ", " ", StringComparison.Ordinal).Replace(" GMT", "", StringComparison.Ordinal),
            "MMM d HH:mm:ss yyyy",
            System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal,
            out var notAfter)
            ? notAfter
            : null;

    public ReplicationLag Lag(NodeObservation primary, NodeObservation replica) =>
        new(null, GtidPosition.Distance(primary.Position, replica.Position));

    public IMigrationDialect MigrationDialect { get; } = new MariaDbMigrationDialect();

    public IReplayPositions Replay { get; } = new MariaDbReplayPositions();

    public IStatsReader Stats { get; } = new MariaDbStatsReader();

    public ISchemaReader SchemaReader { get; } = new MariaDbSchemaReader();

    public IMigrationStore MigrationStore(VersionTable table) => new MariaDbMigrationStore(table);

    public ILockWaits LockWaits { get; } = new MariaDbLockWaits();

    public IBackupEngine Backups => new MariaDbBackups(this);

    public ILocalServer CreateLocalServer(LocalContext context) => MariaDbLocalServer.Create(this, context);

    public IReadOnlyList<string> ArchiverProblems(EnvironmentDefinition environment, StateLayout state) =>
        environment.Archive is { } archive ? MariaDbBinlogArchiver.Problems(state, archive) : [];

    private static string ReplicationState(DbRow status)
    {
        var io = status.GetString("Slave_IO_Running");
        var sql = status.GetString("Slave_SQL_Running");
        if (io == "Yes" && sql == "Yes")
        {
            return "replicating";
        }

        var error = new[] { status.GetString("Last_IO_Error"), status.GetString("Last_SQL_Error") }.FirstOrDefault(e => !string.IsNullOrEmpty(e));
        return $"io {io?.ToLowerInvariant()}, sql {sql?.ToLowerInvariant()}" + (error is null ? "" : $": {error}");
    }
}
