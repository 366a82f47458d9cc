namespace Orchestrator.Servers;

/// <summary>How far a replica is behind the primary: bytes of WAL (PostgreSQL) or transactions by GTID (MariaDB).</summary>
internal sealed record ReplicationLag(long? Bytes, long? Transactions);
