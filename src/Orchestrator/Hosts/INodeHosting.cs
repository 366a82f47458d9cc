using Orchestrator.Environments;

namespace Orchestrator.Hosts;

/// <summary>
/// What a provider sets up around an environment's servers: nothing on this machine (the state
/// directory is enough), one container per node with its volume and the environment's network
/// with docker. The engine's steps then run on the <see cref="INodeHost"/> it opens.
/// </summary>
internal interface INodeHosting : IDisposable
{
    /// <summary>
    /// The nodes' host. With <paramref name="create"/>, whatever the nodes need to run is created
    /// and started first (up); otherwise what exists is used as it is.
    /// </summary>
    Task<INodeHost> OpenAsync(bool create, CancellationToken cancellationToken);

    /// <summary>Whether the node's host runs, so that its server can (a stopped or paused container cannot).</summary>
    Task<bool> IsUpAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Whether the node's host is frozen (a paused container): its server can neither answer nor be stopped.</summary>
    Task<bool> IsFrozenAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Makes sure the node's host runs, a stopped or fenced container included (its server is not started).</summary>
    Task StartAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>
    /// Fences a failed primary so that it cannot come back writable: on this machine the engine's
    /// <paramref name="engineFence"/> (kill the server, leave files that start it read-only); a
    /// container, frozen or not, is killed instead, then <paramref name="writeFence"/> leaves the
    /// same files in its volume, so that a start by hand comes up read-only too.
    /// </summary>
    Task FenceAsync(NodeDefinition node, Func<Task> engineFence, Func<Task> writeFence, CancellationToken cancellationToken);

    /// <summary>Stops the node's host after its server stopped (nothing on this machine).</summary>
    Task StopAsync(NodeDefinition node, CancellationToken cancellationToken);

    /// <summary>Removes what <see cref="OpenAsync"/> created, data included (down --purge).</summary>
    Task RemoveAsync(CancellationToken cancellationToken);
}
