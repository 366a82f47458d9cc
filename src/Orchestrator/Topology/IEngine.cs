using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Local;

namespace Orchestrator.Topology;

/// <summary>What orchestration code needs from one database engine. One implementation per engine folder.</summary>
public interface IEngine
{
    /// <summary>The Debian system user that runs this engine's servers when the tool runs as root.</summary>
    string DefaultServiceUser { get; }

    Task<IDbSession> ConnectAsync(ConnectionTarget target, CancellationToken cancellationToken);

    /// <summary>An admin connection to <paramref name="node"/>; a null database means the engine's maintenance database.</summary>
    ConnectionTarget AdminTarget(NodeDefinition node, EnvironmentCredentials credentials, string? database = null);

    Task<NodeObservation> ObserveAsync(NodeDefinition node, EnvironmentCredentials credentials, CancellationToken cancellationToken);

    ReplicationLag Lag(NodeObservation primary, NodeObservation replica);

    ILocalServer CreateLocalServer(LocalContext context);

    /// <summary>Turns migration expressions into this engine's SQL.</summary>
    Migrations.Generation.SqlGenerator SqlGenerator { get; }

    /// <summary>Reads a database's structure from this engine's catalog, for drift detection.</summary>
    Drift.ISchemaReader SchemaReader { get; }

    /// <summary>The version tables, migration lock and transaction control of this engine.</summary>
    Migrations.Running.IMigrationStore MigrationStore { get; }

    /// <summary>Backups of this engine: taking, verifying and loading them.</summary>
    Backups.IBackupEngine Backups { get; }
}
