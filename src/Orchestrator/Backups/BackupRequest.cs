using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Migrations;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Backups;

/// <summary>What an engine needs to take one backup of one node into an empty directory.</summary>
internal sealed record BackupRequest(
    EnvironmentDefinition Environment,
    NodeDefinition Node,
    ObservedRole Role,
    EnvironmentCredentials Credentials,
    BackupKind Kind,
    string Directory,
    StateLayout? State,
    ITopologyProgress Progress)
{
    /// <summary>
    /// The replicas a physical backup can be taken from, as the environment is now: after a
    /// switchover or failover the live shape, not the file, says which nodes replicate (fenced
    /// nodes are none of them).
    /// </summary>
    public IReadOnlyList<string> Replicas =>
        (State is null ? Environment : LiveShape.Of(Environment, State).Apply(Environment)).Replicas
            .Where(r => !r.Fenced)
            .Select(r => r.Name)
            .ToList();

    /// <summary>
    /// The nodes' host when the backup's files are read where the node runs (a physical backup
    /// of a docker environment: its data directory is in the node's container); null otherwise.
    /// </summary>
    public INodeHost? Host { get; init; }

    /// <summary>Where the environment's migrations record versions, for the schema version in the manifest.</summary>
    public VersionTable VersionTable { get; init; } = VersionTable.Default;
}
