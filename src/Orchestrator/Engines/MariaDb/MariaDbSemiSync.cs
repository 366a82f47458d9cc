using Orchestrator.Data;
using Orchestrator.Environments;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// Semi-synchronous replication, MariaDB's form of a synchronous replica: which side of it each
/// node runs (decided from the environment alone, pure) and making a running server match.
/// </summary>
internal static class MariaDbSemiSync
{
    /// <summary>
    /// How long a commit waits for an acknowledgement before the primary falls back to
    /// asynchronous replication: about 49 days, so in practice commits wait until a
    /// semi-synchronous replica acknowledges, as PostgreSQL's do. Larger values are accepted by
    /// the server but overflow when it turns them into a deadline.
    /// </summary>
    public const ulong WaitMilliseconds = uint.MaxValue;

    /// <summary>
    /// How long a semi-synchronous replica's stopping IO thread tries to reach its source to end
    /// the dump thread there (rpl_semi_sync_slave_kill_conn_timeout, 5 s by default; 0 would be
    /// no limit). A failed primary's vanished address answers nothing, and the replicas the tool
    /// runs reach a living source in milliseconds.
    /// </summary>
    public const int KillConnectionSeconds = 1;

    /// <summary>The settings of <paramref name="node"/>: a primary waits when one of its direct replicas is synchronous; a synchronous replica acknowledges.</summary>
    public static (bool Primary, bool Replica) Sides(EnvironmentDefinition environment, NodeDefinition node) =>
        (node.Role == NodeRole.Primary && !node.Fenced && environment.ReplicasOf(node.Name).Any(r => r.Sync),
         node.Role == NodeRole.Replica && node.Sync);

    /// <summary>
    /// The option file's lines. The wait point is after the binary log is synced and before the
    /// storage engine commits: no other session sees a transaction a replica has not received.
    /// </summary>
    public static IEnumerable<string> OptionLines(EnvironmentDefinition environment, NodeDefinition node)
    {
        var (primary, replica) = Sides(environment, node);
        yield return "rpl_semi_sync_master_wait_point = AFTER_SYNC";
        yield return "rpl_semi_sync_master_timeout = " + WaitMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return $"rpl_semi_sync_master_enabled = {OnOff(primary)}";
        yield return $"rpl_semi_sync_slave_kill_conn_timeout = {KillConnectionSeconds}";

        // A fenced former primary, started by any means (by hand, by a host's init scripts),
        // recovers in the replica role, as rejoin starts it: the commits a kill caught waiting for
        // an acknowledgement are discarded rather than committed, and nothing is left that the
        // new primary never received.
        yield return $"rpl_semi_sync_slave_enabled = {OnOff(replica || node.Fenced)}";
        if (node.Fenced)
        {
            yield return "init-rpl-role = SLAVE";
        }
    }

    /// <summary>
    /// Makes the running server behind <paramref name="session"/> run the sides
    /// <see cref="Sides"/> gives it, a primary with the wait of its option file. A replica acknowledges only on a connection made with the
    /// setting on, so a replica whose setting changed reconnects its IO thread.
    /// </summary>
    public static async Task ApplyAsync(IDbSession session, EnvironmentDefinition environment, NodeDefinition node, CancellationToken cancellationToken)
    {
        var now = await ReadAsync(session, cancellationToken);
        await session.ExecuteBatchAsync(PrimarySideChanges(now, environment, node), cancellationToken);
        var replica = Sides(environment, node).Replica;
        if (now.ReplicaSide == replica)
        {
            return;
        }

        await session.ExecuteAsync($"SET GLOBAL rpl_semi_sync_slave_enabled = {OnOff(replica)}", cancellationToken: cancellationToken);
        var status = (await session.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).FirstOrDefault();
        if (status?.GetString("Slave_IO_Running") is "Yes" or "Connecting")
        {
            await session.ExecuteAsync("STOP SLAVE IO_THREAD", cancellationToken: cancellationToken);
            await session.ExecuteAsync("START SLAVE IO_THREAD", cancellationToken: cancellationToken);
        }
    }

    /// <summary>A running server's settings of both sides.</summary>
    public static async Task<SemiSyncSettings> ReadAsync(IDbSession session, CancellationToken cancellationToken)
    {
        var row = (await session.QueryAsync(
            "SELECT @@rpl_semi_sync_master_enabled AS primary_side, @@rpl_semi_sync_slave_enabled AS replica_side, @@rpl_semi_sync_master_timeout AS wait",
            cancellationToken: cancellationToken)).Single();
        return new SemiSyncSettings(row.GetInt64("primary_side") == 1, row.GetInt64("replica_side") == 1, row.GetInt64("wait") ?? 0);
    }

    /// <summary>
    /// The statements that give a server with <paramref name="now"/> the primary side <see cref="Sides"/>
    /// gives <paramref name="node"/>, leaving a running receiver be: a promotion runs them before
    /// the node takes writes, so that its first commit already waits for a synchronous replica.
    /// </summary>
    public static IReadOnlyList<SqlStatement> PrimarySideChanges(SemiSyncSettings now, EnvironmentDefinition environment, NodeDefinition node)
    {
        var primary = Sides(environment, node).Primary;
        var changes = new List<SqlStatement>();

        // A shorter wait set by hand would let the primary fall back to asynchronous replication again.
        if (primary && now.Wait != (long)WaitMilliseconds)
        {
            changes.Add(new("SET GLOBAL rpl_semi_sync_master_timeout = ?", [WaitMilliseconds]));
        }

        if (now.PrimarySide != primary)
        {
            changes.Add(new($"SET GLOBAL rpl_semi_sync_master_enabled = {OnOff(primary)}"));
        }

        return changes;
    }

    /// <summary>
    /// The option that starts a primary not waiting for acknowledgements, whatever its option
    /// file says: while the tool itself writes to a primary whose replicas are not yet there.
    /// <see cref="ApplyAsync"/> turns waiting on once they replicate.
    /// </summary>
    public const string StartNotWaiting = "--rpl-semi-sync-master-enabled=OFF";

    private static string OnOff(bool on) => on ? "ON" : "OFF";
}

/// <summary>A server's semi-synchronous settings: whether it waits as a primary (and how long), and whether it acknowledges as a replica.</summary>
internal sealed record SemiSyncSettings(bool PrimarySide, bool ReplicaSide, long Wait);
