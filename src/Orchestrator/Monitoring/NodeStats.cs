using Orchestrator.Environments;

namespace Orchestrator.Monitoring;

/// <summary>
/// One table on one node. Sizes in bytes. Counters the engine does not keep are null:
/// dead tuples, vacuum and analyze times, scans and HOT updates are PostgreSQL's; data_free is MariaDB's.
/// </summary>
internal sealed record TableStats(string Table, long TotalBytes, long TableBytes, long IndexBytes, long? RowsEstimate)
{
    /// <summary>COUNT(*), with --exact.</summary>
    public long? RowsExact { get; init; }

    public long? DeadTuples { get; init; }

    public DateTime? LastVacuum { get; init; }

    public DateTime? LastAutovacuum { get; init; }

    public DateTime? LastAnalyze { get; init; }

    public DateTime? LastAutoanalyze { get; init; }

    public long? SequentialScans { get; init; }

    public long? IndexScans { get; init; }

    public long? HotUpdates { get; init; }

    public long? Updates { get; init; }

    /// <summary>MariaDB: bytes allocated to the table but unused.</summary>
    public long? DataFree { get; init; }
}

/// <summary>One index on one node; <see cref="Scans"/> is null where the engine does not count them (MariaDB without userstat, SQLite).</summary>
internal sealed record IndexStats(string Table, string Index, long? Bytes, long? Scans, bool EnforcesConstraint);

/// <summary>A transaction open longer than the threshold.</summary>
internal sealed record LongTransaction(string Id, string? User, double Seconds, string? State, string? Query);

/// <summary>A PostgreSQL replication slot and the WAL it keeps.</summary>
internal sealed record SlotStats(string Name, bool Active, long? RetainedWalBytes);

/// <summary>What one node reports, or why it could not be read.</summary>
internal sealed record NodeStats(string Node, string? Error)
{
    public bool Reachable => Error is null;

    public IReadOnlyList<TableStats> Tables { get; init; } = [];

    public IReadOnlyList<IndexStats> Indexes { get; init; } = [];

    public IReadOnlyList<LongTransaction> LongTransactions { get; init; } = [];

    public IReadOnlyList<SlotStats> ReplicationSlots { get; init; } = [];

    /// <summary>MariaDB: the binary logs' total size.</summary>
    public long? BinlogBytes { get; init; }

    /// <summary>Client connections to the server (for the live view and the exporter).</summary>
    public long? Connections { get; init; }
}

/// <summary>An index no node has used since its statistics began, and which enforces nothing.</summary>
internal sealed record UnusedIndex(string Table, string Index, long? Bytes);

internal sealed record EnvironmentStats(string Environment, EngineKind Engine, IReadOnlyList<NodeStats> Nodes)
{
    /// <summary>
    /// Indexes that every node reporting scans shows unused: one unused on the primary may still
    /// serve reads on a replica. Unique and primary-key indexes enforce constraints and never count.
    /// Empty when no node counts scans.
    /// </summary>
    public IReadOnlyList<UnusedIndex> UnusedIndexes
    {
        get
        {
            var counted = Nodes.Where(n => n.Reachable && n.Indexes.Any(i => i.Scans is not null)).ToList();
            if (counted.Count == 0)
            {
                return [];
            }

            return counted[0].Indexes
                .Where(i => !i.EnforcesConstraint)
                .Where(i => counted.All(n => n.Indexes.FirstOrDefault(o => o.Table == i.Table && o.Index == i.Index) is { Scans: 0 }))
                .Select(i => new UnusedIndex(i.Table, i.Index, i.Bytes))
                .OrderByDescending(i => i.Bytes)
                .ToList();
        }
    }
}
