namespace Orchestrator.Replication;

/// <summary>
/// A process that keeps an environment's log archive filled where its servers cannot do it
/// themselves (MariaDB has no archive command): started by 'up', stopped by 'down', and watched
/// by 'status'.
/// </summary>
internal interface ILogArchiver
{
    /// <summary>Starts it unless it runs.</summary>
    Task EnsureRunningAsync(CancellationToken cancellationToken);

    /// <summary>Stops it, after the servers stopped, with a last pass over the logs they closed.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>What keeps the archive from being current, each said so that a person can act on it; empty when all is well.</summary>
    IReadOnlyList<string> Problems();
}
