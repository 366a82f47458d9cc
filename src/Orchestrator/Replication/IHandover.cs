namespace Orchestrator.Replication;

/// <summary>
/// A switchover's write-refused window, prepared ahead: the target's new configuration is
/// already written and the sessions the window needs are open, so that between refusing writes
/// and the target taking them nothing but the hand-over itself happens.
/// </summary>
internal interface IHandover : IAsyncDisposable
{
    /// <summary>Makes the primary refuse writes and returns the position of everything it committed.</summary>
    Task<string> StopWritesAsync(CancellationToken cancellationToken);

    /// <summary>Waits until the target has applied <paramref name="position"/>; false when the timeout passed first.</summary>
    Task<bool> WaitAppliedAsync(string position, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Turns the target, which has applied everything, into a writable primary.
    /// <paramref name="writable"/> is called the moment it takes writes: what follows (ending
    /// its replication, say) is no longer part of the window.
    /// </summary>
    Task PromoteAsync(Action writable, CancellationToken cancellationToken);
}
