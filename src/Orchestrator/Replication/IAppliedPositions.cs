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

    /// <summary>
    /// With the primary gone, the first step of a failover: stops the replica taking in more and
    /// says what it received and what it would keep if another node were promoted.
    /// </summary>
    Task<HeldPosition> HoldAsync(NodeDefinition replica, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Orders two positions of this engine: negative, zero or positive, null when neither contains the other.</summary>
    int? ComparePositions(string a, string b);

    /// <summary>Transactions written directly on a replica since it became one (none on engines whose replicas cannot write).</summary>
    Task<IReadOnlyList<string>> ErrantTransactionsAsync(NodeDefinition replica, CancellationToken cancellationToken);
}

/// <summary>
/// A replica's positions once it stopped taking in more: what it received, and what it keeps when
/// pointed at another source (what it applied, where the rest is discarded then; else all it received).
/// </summary>
internal sealed record HeldPosition(string Received, string Kept)
{
    /// <summary>The hold applied everything received (a PostgreSQL standby's): draining the node again would only cost a connection.</summary>
    public bool Drained { get; init; }
}
