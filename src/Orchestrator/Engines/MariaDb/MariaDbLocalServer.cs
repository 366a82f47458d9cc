using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>MariaDB 10.11 servers on the environment's host (this machine, or containers): the node's files, mariadbd's supervision, bootstrap and replication control.</summary>
internal static class MariaDbLocalServer
{
    /// <summary>The longest Unix socket path this tool uses (the kernel's limit is 107 bytes).</summary>
    private const int SocketPathLimit = 100;

    public static ILocalServer Create(MariaDbEngine engine, LocalContext context)
    {
        var files = new MariaDbNodeFiles(context);
        var sql = new MariaDbSetupSql(engine, context, files);
        var process = new MariaDbProcess(context, files, sql);
        return new LocalServer(
            _ => CheckPrerequisites(context, files),
            process,
            new MariaDbBootstrap(engine, context, files, sql, process),
            new MariaDbReplicationControl(engine, context, files, sql, process),
            new MariaDbBinlogArchiver(context, files, context.Environment.Archive));
    }

    private static Task CheckPrerequisites(LocalContext context, MariaDbNodeFiles files)
    {
        var inContainers = context.InContainers;
        if (inContainers && !context.User.ToolIsRoot)
        {
            // The socket admits the account of the connecting user id, and only root has the same name in every image.
            throw new LocalProviderException($"MariaDB nodes of docker environment '{context.Environment.Name}' are set up through their server's socket as root; run the tool as root");
        }

        files.Server = inContainers ? MariaDbBinaries.InImage : MariaDbBinaries.Locate(context.Environment.Local);
        files.Clients = inContainers ? MariaDbBinaries.LocateClients(context.Environment.Local) : files.Server;
        var socket = files.SocketForTool(context.Environment.Nodes.OrderByDescending(n => n.Name.Length).First());
        if (socket.Length > SocketPathLimit)
        {
            throw new LocalProviderException($"the state directory {context.State.Root} is too deep for a Unix socket path ({socket.Length} characters, the limit is {SocketPathLimit}); use a shorter --state-dir");
        }

        return Task.CompletedTask;
    }
}
