using Orchestrator.Environments;

namespace Orchestrator.Hosts;

/// <summary>
/// Where a node's things are on its host and how its server is reached, as answers without I/O:
/// code that only names paths or addresses takes this part of <see cref="INodeHost"/>.
/// </summary>
internal interface INodeAddresses
{
    /// <summary>The node's directories and log file on this host.</summary>
    NodePaths Paths(NodeDefinition node);

    /// <summary>
    /// The environment as its servers see each other: node addresses they listen on and reach
    /// their sources at, and the addresses admitted besides <c>access.allow</c> (the tool's own).
    /// </summary>
    EnvironmentDefinition ServerView(EnvironmentDefinition environment);

    /// <summary>
    /// Where this process connects to the Unix socket <paramref name="name"/> the node's server
    /// creates in <see cref="NodePaths.SocketDir"/>: the same path on this machine; in a container,
    /// the directory of the state directory that is bind-mounted there.
    /// </summary>
    string SocketForTool(NodeDefinition node, string name);

    /// <summary>Every host name and address a client or a replica reaches the node by: what its server certificate must name.</summary>
    IReadOnlyList<string> NamesOf(NodeDefinition node);

    /// <summary>Where to read the node's log, for a message ("see ...").</summary>
    string DescribeLog(NodeDefinition node);
}
