using Orchestrator.Data;

namespace Orchestrator.Servers;

/// <summary>How one engine names replication positions and waits for a replica to replay one.</summary>
internal interface IReplayPositions
{
    /// <summary>A query whose one value is the position of everything committed so far, to end a batch with.</summary>
    string CommitPositionSql { get; }

    /// <summary>The position of everything the primary session has committed (a WAL LSN, a GTID list).</summary>
    async Task<string> CommitPositionAsync(IDbSession primary, CancellationToken cancellationToken) =>
        (await primary.QueryAsync(CommitPositionSql, cancellationToken: cancellationToken)).Single().Values.Values.Single()?.ToString() ?? "";

    /// <summary>Waits until a replica has replayed <paramref name="position"/>; false when <paramref name="timeout"/> passed first.</summary>
    Task<bool> WaitForReplayAsync(IDbSession replica, string position, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>True when a replica's error means it has not yet replayed the database's creation (lag, not failure).</summary>
    bool IsNotYetReplicated(DatabaseException error);

    /// <summary>A position as one number that grows as transactions are replayed, for a metric; null when there is none.</summary>
    double? Numeric(string? position);
}
