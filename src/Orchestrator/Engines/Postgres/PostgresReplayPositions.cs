using Orchestrator.Data;
using Orchestrator.Servers;

namespace Orchestrator.Engines.Postgres;

/// <summary>WAL positions (LSNs): the primary's current one, and a replica's replay of it.</summary>
internal sealed class PostgresReplayPositions : IReplayPositions
{
    public string CommitPositionSql => "SELECT pg_current_wal_lsn()::text AS lsn";

    /// <summary>PostgreSQL 15 has no server-side wait for replay, so this polls every millisecond or so.</summary>
    public async Task<bool> WaitForReplayAsync(IDbSession replica, string position, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var replayed = (await replica.QueryAsync("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done", [position], cancellationToken)).Single().GetBoolean("done");
            if (replayed == true)
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(1, cancellationToken);
        }
    }

    /// <summary>3D000: invalid_catalog_name, the database does not exist (yet).</summary>
    public bool IsNotYetReplicated(DatabaseException error) => error.Code == "3D000";

    /// <summary>The LSN in bytes.</summary>
    public double? Numeric(string? position) => string.IsNullOrEmpty(position) ? null : Lsn.Parse(position);
}
