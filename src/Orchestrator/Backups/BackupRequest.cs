using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Topology;

namespace Orchestrator.Backups;

/// <summary>What an engine needs to take one backup of one node into an empty directory.</summary>
public sealed record BackupRequest(
    EnvironmentDefinition Environment,
    NodeDefinition Node,
    ObservedRole Role,
    EnvironmentCredentials Credentials,
    BackupKind Kind,
    string Directory,
    StateLayout? State,
    ITopologyProgress Progress)
{
    /// <summary>Where the environment's migrations record versions, for the schema version in the manifest.</summary>
    public Migrations.VersionTable VersionTable { get; init; } = Migrations.VersionTable.Default;
}
