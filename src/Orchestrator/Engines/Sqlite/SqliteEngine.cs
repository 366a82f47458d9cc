using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Topology;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// SQLite: one database file (the environment's one node, whose host is the file's path), opened
/// in the process. No servers, accounts or replicas.
/// </summary>
internal sealed class SqliteEngine : IEngine
{
    public string DefaultServiceUser => "";

    public int ContainerPort => 0;

    public string ContainerServerProgram => "";

    public async Task<IDbSession> ConnectAsync(ConnectionTarget target, CancellationToken cancellationToken) =>
        await SqliteSession.OpenAsync(target, cancellationToken);

    public ConnectionTarget AdminTarget(NodeDefinition node, EnvironmentCredentials credentials, string? database = null) =>
        new(node.Host, 0, "", null, database);

    public async Task<NodeObservation> ObserveAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var journal = (await session.QueryAsync("PRAGMA journal_mode", cancellationToken: cancellationToken)).Single().GetString("journal_mode") ?? "";
        var path = ((SqliteSession)session).File;
        return new NodeObservation(ObservedRole.Primary, session.ServerVersion, null, null, null, null, null)
        {
            File = new DatabaseFileFacts(new FileInfo(path).Length, journal),
        };
    }

    public ReplicationLag Lag(NodeObservation primary, NodeObservation replica) => new(null, null);

    public ILocalServer CreateLocalServer(LocalContext context) =>
        throw new InvalidOperationException("SQLite has no servers to run; a SQLite environment's provider is its file");

    public Migrations.IMigrationDialect MigrationDialect { get; } = new SqliteMigrationDialect();

    public IReplayPositions Replay { get; } = new SqliteReplayPositions();

    public Monitoring.IStatsReader Stats { get; } = new SqliteStatsReader();

    public Drift.ISchemaReader SchemaReader { get; } = new SqliteSchemaReader();

    public Migrations.Running.IMigrationStore MigrationStore(Migrations.VersionTable table) => new SqliteMigrationStore(table);

    public Backups.IBackupEngine Backups => new SqliteBackups(this);
}
