using Orchestrator.Local;
using Orchestrator.Topology;

namespace Orchestrator.Engines.MariaDb;

/// <summary>MariaDB 10.11 servers under the state directory: the node's files, mariadbd's supervision, bootstrap and replication control.</summary>
internal static class MariaDbLocalServer
{
    public static ILocalServer Create(MariaDbEngine engine, LocalContext context)
    {
        var files = new MariaDbNodeFiles(context);
        var sql = new MariaDbSetupSql(engine, context, files);
        var process = new MariaDbProcess(context, files, sql);
        return new LocalServer(
            _ => CheckPrerequisites(context, files),
            process,
            new MariaDbBootstrap(engine, context, files, sql, process),
            new MariaDbReplicationControl(engine, context, files, sql, process));
    }

    private static Task CheckPrerequisites(LocalContext context, MariaDbNodeFiles files)
    {
        files.Binaries = MariaDbBinaries.Locate(context.Environment.Local);
        var socket = files.SocketPath(context.Environment.Nodes.OrderByDescending(n => n.Name.Length).First());
        if (socket.Length > 100)
        {
            throw new LocalProviderException($"the state directory {context.State.Root} is too deep for a Unix socket path ({socket.Length} characters, the limit is 107); use a shorter --state-dir");
        }

        return Task.CompletedTask;
    }
}
