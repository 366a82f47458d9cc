using Orchestrator.Data;
using Orchestrator.Servers;

namespace Orchestrator.Engines.MariaDb;

/// <summary>GTID positions: the primary's binary log position, and a replica's application of it.</summary>
internal sealed class MariaDbReplayPositions : IReplayPositions
{
    public string CommitPositionSql => "SELECT @@gtid_binlog_pos AS pos";

    /// <summary>MASTER_GTID_WAIT blocks on the server until the replica has applied the position (0) or the timeout passes (-1).</summary>
    public async Task<bool> WaitForReplayAsync(IDbSession replica, string position, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await replica.QueryAsync("SELECT MASTER_GTID_WAIT(?, ?) AS waited", [position, timeout.TotalSeconds], cancellationToken)).Single().GetInt64("waited") == 0;

    /// <summary>1049: ER_BAD_DB_ERROR, unknown database.</summary>
    public bool IsNotYetReplicated(DatabaseException error) => error.Code == "1049";

    /// <summary>The sum of the GTID list's sequence numbers.</summary>
    public double? Numeric(string? position) => string.IsNullOrEmpty(position) ? null : GtidPosition.Parse(position).Values.Sum(v => (double)v);
}
