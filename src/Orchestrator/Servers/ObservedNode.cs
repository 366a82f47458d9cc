using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.State;

namespace Orchestrator.Servers;

/// <summary>A node and what its server said about itself, or why it could not be asked.</summary>
internal sealed record ObservedNode(NodeDefinition Node, NodeObservation? Observation, string? Error)
{
    /// <summary>How long any node is given to answer before it counts as unreachable.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    public bool IsPrimary => Observation?.Role == ObservedRole.Primary;

    public bool IsReplica => Observation?.Role == ObservedRole.Replica;

    /// <summary>
    /// Asks every node in parallel; a node that does not answer within <see cref="AnswerTimeout"/>
    /// is unreachable, never an exception. A node in <paramref name="suspects"/> is unreachable
    /// once it has not answered <paramref name="grace"/> after the last of the others did.
    /// </summary>
    /// <remarks>
    /// A frozen server (stopped, paused, cut off behind a firewall that drops) still has its
    /// connections accepted by the kernel and then says nothing, so only time tells it from a
    /// slow one. Measuring the grace from the other nodes' answers rather than from the start
    /// keeps a loaded machine, on which every node answers late, from counting a live suspect out.
    /// </remarks>
    public static async Task<IReadOnlyList<ObservedNode>> ObserveAllAsync(
        IEnumerable<NodeDefinition> nodes,
        IEngine engine,
        EnvironmentCredentials credentials,
        CancellationToken cancellationToken,
        IReadOnlySet<string>? suspects = null,
        TimeSpan grace = default)
    {
        using var givingUpOnSuspects = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var asked = nodes.Select(node =>
        {
            var suspect = suspects?.Contains(node.Name) == true;
            var ask = AskAsync(node, engine, credentials, suspect ? givingUpOnSuspects.Token : cancellationToken, suspect ? grace : null, cancellationToken);
            return (suspect, ask);
        }).ToList();

        if (suspects is not null)
        {
            await Task.WhenAll(asked.Where(a => !a.suspect).Select(a => a.ask));
            givingUpOnSuspects.CancelAfter(grace);
        }

        return await Task.WhenAll(asked.Select(a => a.ask));
    }

    private static async Task<ObservedNode> AskAsync(
        NodeDefinition node, IEngine engine, EnvironmentCredentials credentials, CancellationToken givingUp, TimeSpan? grace, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(givingUp);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            // The drivers do not all give up a connection's start-up exchange when cancelled, so
            // the answer is abandoned rather than waited for; the driver's own timeout ends it.
            return new ObservedNode(node, await engine.ObserveAsync(node, credentials, timeout.Token).WaitAsync(timeout.Token), null);
        }
        catch (Exception e) when (e is DatabaseException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = givingUp.IsCancellationRequested
                ? $"did not answer within {grace!.Value.TotalSeconds:0.#} s after the other nodes"
                : timeout.IsCancellationRequested ? $"did not answer within {AnswerTimeout.TotalSeconds:0} s" : Redactor.Redact(e.Message);
            return new ObservedNode(node, null, why);
        }
    }
}
