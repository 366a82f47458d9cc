namespace Orchestrator.Engines.MariaDb;

/// <summary>One MariaDB GTID: replication domain, originating server_id, sequence number.</summary>
internal sealed record Gtid(long Domain, long Server, long Sequence)
{
    public override string ToString() => $"{Domain}-{Server}-{Sequence}";
}
