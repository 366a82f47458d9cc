using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Local;

namespace Orchestrator.Topology;

/// <summary>What orchestration code needs from one database engine. One implementation per engine folder.</summary>
internal interface IEngine
{
    /// <summary>The Debian system user that runs this engine's servers when the tool runs as root.</summary>
    string DefaultServiceUser { get; }

    /// <summary>The port the server listens on inside a container (the official images' default).</summary>
    int ContainerPort { get; }

    /// <summary>The server program in a container image of the engine (its standard layout), checked when a container is made.</summary>
    string ContainerServerProgram { get; }

    Task<IDbSession> ConnectAsync(ConnectionTarget target, CancellationToken cancellationToken);

    /// <summary>An admin connection to <paramref name="node"/>; a null database means the engine's maintenance database.</summary>
    ConnectionTarget AdminTarget(NodeDefinition node, EnvironmentCredentials credentials, string? database = null);

    /// <summary>What the server behind <paramref name="session"/> says about itself: role, version, source, position. Server-wide: any database will do.</summary>
    Task<NodeObservation> ObserveAsync(IDbSession session, CancellationToken cancellationToken);

    /// <summary><see cref="ObserveAsync(IDbSession, CancellationToken)"/> over an admin session of its own to the maintenance database.</summary>
    async Task<NodeObservation> ObserveAsync(NodeDefinition node, EnvironmentCredentials credentials, CancellationToken cancellationToken)
    {
        await using var session = await ConnectAsync(AdminTarget(node, credentials), cancellationToken);
        return await ObserveAsync(session, cancellationToken);
    }

    ReplicationLag Lag(NodeObservation primary, NodeObservation replica);

    ILocalServer CreateLocalServer(LocalContext context);

    /// <summary>This engine's migration SQL: FluentMigrator's generator for it, statement splitting, catalog questions, lint.</summary>
    Migrations.IMigrationDialect MigrationDialect { get; }

    /// <summary>Replication positions: what a primary committed, and waiting for a replica to replay it.</summary>
    IReplayPositions Replay { get; }

    /// <summary>Reads a database's structure from this engine's catalog, for drift detection.</summary>
    Drift.ISchemaReader SchemaReader { get; }

    /// <summary>The version tables, migration lock and transaction control of this engine, for one version table.</summary>
    Migrations.Running.IMigrationStore MigrationStore(Migrations.VersionTable table);

    /// <summary>Backups of this engine: taking, verifying and loading them.</summary>
    Backups.IBackupEngine Backups { get; }

    /// <summary>Table, index and server statistics, for stats, the live view and the exporter.</summary>
    Monitoring.IStatsReader Stats { get; }
}
