using Orchestrator.Replication;

namespace Orchestrator.Engines.Postgres;

/// <summary>PostgreSQL 15 servers on the environment's host (this machine, or containers): the node's files and programs, the postmaster's supervision, bootstrap and replication control.</summary>
internal static class PostgresLocalServer
{
    public static ILocalServer Create(PostgresEngine engine, LocalContext context)
    {
        var files = new PostgresNodeFiles(context);
        var sql = new PostgresSetupSql(engine, context);
        var process = new PostgresProcess(files, context);
        return new LocalServer(
            async cancellationToken => files.Binaries = context.InContainers
                ? PostgresBinaries.InImage
                : await PostgresBinaries.LocateAsync(context.Environment.Local, cancellationToken),
            process,
            new PostgresBootstrap(engine, context, files, sql, process),
            new PostgresReplicationControl(engine, context, files, sql, process));
    }
}
