using Orchestrator.Servers;

namespace Orchestrator.Replication;

/// <summary>
/// The abilities of an engine that runs servers: starting, stopping, cloning and re-pointing them.
/// An engine of database files (SQLite) does not implement it.
/// </summary>
internal interface IServerEngine
{
    ILocalServer CreateLocalServer(LocalContext context);
}

/// <summary>Lets code holding an <see cref="IEngine"/> ask for its servers; an engine without any is refused by name.</summary>
internal static class ServerEngineExtensions
{
    extension(IEngine engine)
    {
        public bool RunsServers => engine is IServerEngine;

        public ILocalServer CreateLocalServer(LocalContext context) => engine is IServerEngine servers
            ? servers.CreateLocalServer(context)
            : throw new ExternalEnvironmentException(context.Environment);
    }
}
