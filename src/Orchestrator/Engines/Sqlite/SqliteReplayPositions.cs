using Orchestrator.Data;
using Orchestrator.Servers;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// A SQLite file has no replicas, so nothing ever waits for replay: the runner asks only when an
/// environment has replicas, which a SQLite environment cannot have.
/// </summary>
internal sealed class SqliteReplayPositions : IReplayPositions
{
    public string CommitPositionSql => "SELECT NULL";

    public Task<bool> WaitForReplayAsync(IDbSession replica, string position, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("a SQLite file has no replicas to wait for");

    public bool IsNotYetReplicated(DatabaseException error) => false;

    public double? Numeric(string? position) => null;
}
