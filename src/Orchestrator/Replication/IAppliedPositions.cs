using Orchestrator.Environments;

namespace Orchestrator.Replication;

/// <summary>What replicas have applied, for choosing and readying the next primary: waiting, draining, comparing and errant transactions.</summary>
internal interface IAppliedPositions
{
    /// <summary>Waits until <paramref name="replica"/> has applied <paramref name="position"/>, false when the timeout passed first.</summary>
    Task<bool> WaitAppliedAsync(NodeDefinition replica, string position, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// With the primary gone: lets the replica apply everything it received (so nothing received
    /// is discarded) and returns the position it reached.
    /// </summary>
    Task<string> DrainAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Orders two positions of this engine: negative, zero or positive, null when neither contains the other.</summary>
    int? ComparePositions(string a, string b);

    /// <summary>Transactions written directly on a replica since it became one (none on engines whose replicas cannot write).</summary>
    Task<IReadOnlyList<string>> ErrantTransactionsAsync(NodeDefinition replica, CancellationToken cancellationToken);
}
