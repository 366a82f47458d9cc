namespace Orchestrator.Hosts;

/// <summary>
/// Where a node's server programs run and its files live: this machine (programs run as the
/// service user) or the node's container (through exec and the archive API). The engines'
/// steps (initdb, pg_ctl, pg_basebackup, configuration files) are written once against it.
/// Paths are the host's own. Every method acts on one node and may run concurrently for others.
/// Code that needs one role of the host takes its part: <see cref="INodeAddresses"/>,
/// <see cref="INodeProcesses"/>, <see cref="INodeFiles"/> or <see cref="INodeDirectory"/>.
/// </summary>
internal interface INodeHost : INodeAddresses, INodeProcesses, INodeFiles, INodeDirectory
{
}
