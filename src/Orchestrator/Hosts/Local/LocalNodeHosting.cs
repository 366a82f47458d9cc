using Orchestrator.Environments;
using Orchestrator.State;

namespace Orchestrator.Hosts.Local;

/// <summary>The local provider: the nodes run on this machine, and the state directory holds everything.</summary>
internal sealed class LocalNodeHosting(StateLayout state, ServiceUser user) : INodeHosting
{
    public Task<INodeHost> OpenAsync(bool create, CancellationToken cancellationToken) => Task.FromResult<INodeHost>(new LocalNodeHost(state, user));

    public Task<bool> IsUpAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> IsFrozenAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task StartAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task FenceAsync(NodeDefinition node, Func<Task> engineFence, Func<Task> writeFence, CancellationToken cancellationToken) => engineFence();

    public Task StopAsync(NodeDefinition node, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
