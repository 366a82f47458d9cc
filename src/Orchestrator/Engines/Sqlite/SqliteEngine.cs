using Orchestrator.Backups;
using Orchestrator.Data;
using Orchestrator.Drift;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Monitoring;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// SQLite: one database file (the environment's <see cref="EnvironmentDefinition.DatabaseFile"/>,
/// which its one node stands for), opened in the process. No servers, accounts or replicas.
/// </summary>
internal sealed class SqliteEngine : IEngine, IMigrationEngine, IBackedUpEngine, IDriftEngine, IMonitoredEngine
{
    public EngineDescriptor Descriptor { get; } = new(EngineKind.Sqlite, "SQLite", Server: null);

    public async Task<IDbSession> ConnectAsync(ConnectionTarget target, CancellationToken cancellationToken) =>
        await SqliteSession.OpenAsync(target, cancellationToken);

    public ConnectionTarget AdminTarget(NodeDefinition node, EnvironmentCredentials credentials, string? database = null) =>
        ConnectionTarget.ToFile(FileOf(node), database);

    /// <summary>The path of the database file <paramref name="node"/> stands for; a server's node is refused.</summary>
    internal static string FileOf(NodeDefinition node) =>
        node.File?.Path ?? throw new ArgumentException($"node '{node.Name}' is a server ({node.Endpoint}); engine sqlite opens database files only", nameof(node));

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

    public IMigrationDialect MigrationDialect { get; } = new SqliteMigrationDialect();

    public IReplayPositions Replay { get; } = new SqliteReplayPositions();

    public IStatsReader Stats { get; } = new SqliteStatsReader();

    public ISchemaReader SchemaReader { get; } = new SqliteSchemaReader();

    public SchemaShape AsItCanHold(SchemaShape portable) => PortableSchema.AsSqliteHoldsIt(portable);

    public IMigrationStore MigrationStore(VersionTable table) => new SqliteMigrationStore(table);

    public ILockWaits LockWaits => UnboundedLockWaits.Instance;

    public IBackupEngine Backups => new SqliteBackups(this);
}
