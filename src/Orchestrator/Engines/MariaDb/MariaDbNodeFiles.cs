using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Processes;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// A MariaDB node's files and programs on its host: its option file, temporary directory, pid
/// file, log and socket; the server's programs run there as the service user, the clients here.
/// </summary>
internal sealed class MariaDbNodeFiles(LocalContext context)
{
    private MariaDbBinaries? _server;
    private MariaDbBinaries? _clients;
    private EnvironmentDefinition? _serverView;

    /// <summary>mariadbd and mariadb-install-db on the nodes' host.</summary>
    public MariaDbBinaries Server
    {
        get => _server ?? throw new InvalidOperationException("CheckPrerequisitesAsync must run first");
        set => _server = value;
    }

    /// <summary>mariadb-dump and the mariadb client on this machine.</summary>
    public MariaDbBinaries Clients
    {
        get => _clients ?? throw new InvalidOperationException("CheckPrerequisitesAsync must run first");
        set => _clients = value;
    }

    public INodeHost Host => context.Host;

    public NodePaths Paths(NodeDefinition node) => Host.Paths(node);

    public string DataDir(NodeDefinition node) => Paths(node).DataDir;

    public string ConfigFile(NodeDefinition node) => Paths(node).InNode(MariaDbConfigFiles.ConfigFileName);

    /// <summary>Where to read the node's log, for a message.</summary>
    public string LogFile(NodeDefinition node) => Host.DescribeLog(node);

    /// <summary>The node's socket, as this process reaches it.</summary>
    public string SocketForTool(NodeDefinition node) => Host.SocketForTool(node, MariaDbConfigFiles.SocketName);

    /// <summary>The environment as the servers address each other (see <see cref="INodeHost.ServerView"/>).</summary>
    public EnvironmentDefinition ServerView => _serverView ??= Host.ServerView(context.Environment);

    /// <summary>How <paramref name="node"/>'s peers reach it.</summary>
    public NodeDefinition Addressed(NodeDefinition node) => ServerView.Node(node.Name);

    /// <summary>Writes the node's option file from the environment's shape, and its TLS files.</summary>
    public Task WriteConfigAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        // The node as its host sees it, with the role and fence of the shape being written.
        var addressed = Addressed(node);
        var conf = MariaDbConfigFiles.ServerConf(ServerView, node with { Host = addressed.Host, Port = addressed.Port }, Paths(node));
        return Host.WriteFilesAsync(node, [(ConfigFile(node), conf), .. context.TlsFiles(node)], cancellationToken);
    }

    /// <summary>An empty node directory with its own tmpdir, owned by the service user; a previous, never completed setup is deleted.</summary>
    public async Task PrepareNodeDirAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        // Setup never completed here (no marker), so nothing in it is worth keeping.
        await Host.ResetNodeDirAsync(node, cancellationToken);
        await RunAsync(node, new ProcessSpec("mkdir", ["-m", "700", "--", Paths(node).InNode(MariaDbConfigFiles.TmpDirName)]), cancellationToken);
    }

    /// <summary>Runs a server program as the service user; a non-zero exit is an error.</summary>
    public Task<ProcessResult> RunAsync(NodeDefinition node, ProcessSpec spec, CancellationToken cancellationToken) =>
        Host.RunCheckedAsync(node, spec, cancellationToken);

    public async Task<int?> ReadPidAsync(NodeDefinition node, CancellationToken cancellationToken)
    {
        var text = await Host.ReadFileAsync(node, Paths(node).InNode(MariaDbConfigFiles.PidFileName), cancellationToken);
        return int.TryParse(text?.Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public Task<string> LogTailAsync(NodeDefinition node, CancellationToken cancellationToken) => Host.LogTailAsync(node, 15, cancellationToken);
}
