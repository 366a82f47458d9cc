using Orchestrator.Data;
using Orchestrator.Servers;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// A semi-synchronous primary that waits for an acknowledgement its replica will never send, and
/// the reconnection that gives it one.
/// </summary>
/// <remarks>
/// MariaDB 10.11 takes a semi-synchronous replica's connection as an acknowledgement of the
/// position it asked for. A replica that connects by GTID asks for none in the primary's binary
/// log (its GTID is looked up, and the start of that file counts), so when it already holds the
/// commits the primary waits on (it received them through another node, or its connection broke
/// between receiving and acknowledging), nothing acknowledges them. Commits behind them queue in
/// the binary log's group commit and the primary takes no more writes. A replica connected by
/// file and position asks for exactly the end of what it holds, which acknowledges them: it is
/// reconnected so once, then by GTID again, which failover needs.
/// </remarks>
internal static class MariaDbMissedAcknowledgement
{
    /// <summary>How long a second look waits to tell a missed acknowledgement from one still on its way.</summary>
    public static readonly TimeSpan SecondLook = TimeSpan.FromMilliseconds(200);

    /// <summary>Rounds of mending before giving up: a reconnection by GTID can meet the same race again under load.</summary>
    private const int Attempts = 3;

    /// <summary>
    /// Commits wait on the primary although the replica holds every transaction the primary
    /// logged, so no event is left whose acknowledgement would release them.
    /// </summary>
    public static bool Missed(long waitingCommits, string? primaryLogged, string? replicaReceived) =>
        waitingCommits > 0 && !string.IsNullOrEmpty(primaryLogged) && GtidPosition.Covers(replicaReceived, primaryLogged);

    /// <summary>
    /// Gives the waiting commits of <paramref name="primary"/> the acknowledgement of the
    /// semi-synchronous <paramref name="replica"/> replicating from it, when they wait for one it
    /// already gave. Cheap when nothing waits: one query to the primary.
    /// </summary>
    /// <returns>Whether the replica was reconnected to acknowledge them.</returns>
    public static async Task<bool> MendAsync(IDbSession replica, IDbSession primary, IReplayPositions replay, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var mended = false;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var before = await PrimaryAsync(primary, cancellationToken);
            if (before.Waiting == 0)
            {
                return mended;
            }

            var received = await ConnectedReceivedAsync(replica, timeout, cancellationToken);
            if (!Missed(before.Waiting, before.Logged, received))
            {
                return mended;
            }

            await Task.Delay(SecondLook, cancellationToken);
            var after = await PrimaryAsync(primary, cancellationToken);
            if (after.Logged != before.Logged || !Missed(after.Waiting, after.Logged, await ReceivedAsync(replica, cancellationToken)))
            {
                return mended;
            }

            if (!await AcknowledgeByPositionAsync(replica, primary, replay, after.Logged!, timeout, cancellationToken))
            {
                return mended;
            }

            mended = true;
            await WaitMovedOnAsync(primary, after.Logged, timeout, cancellationToken);
            await FollowByGtidAgainAsync(replica, timeout, cancellationToken);
        }

        return mended;
    }

    /// <summary>The primary's waiting commits and its binary log's GTID position (readable while its group commit is held up, unlike SHOW MASTER STATUS).</summary>
    private static async Task<(long Waiting, string? Logged)> PrimaryAsync(IDbSession primary, CancellationToken cancellationToken)
    {
        var row = (await primary.QueryAsync(
            "SELECT @@gtid_binlog_pos AS logged, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_WAIT_SESSIONS') AS waiting",
            cancellationToken: cancellationToken)).Single();
        return (row.GetInt64("waiting") ?? 0, row.GetString("logged"));
    }

    private static async Task<DbRow?> SlaveStatusAsync(IDbSession replica, CancellationToken cancellationToken) =>
        (await replica.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).FirstOrDefault();

    private static async Task<string?> ReceivedAsync(IDbSession replica, CancellationToken cancellationToken) =>
        (await SlaveStatusAsync(replica, cancellationToken))?.GetString("Gtid_IO_Pos");

    /// <summary>What the replica received, once its IO thread has connected (only then are its source coordinates the primary's); null when it does not connect.</summary>
    private static async Task<string?> ConnectedReceivedAsync(IDbSession replica, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await SlaveStatusAsync(replica, cancellationToken);
            if (status?.GetString("Slave_IO_Running") == "Yes")
            {
                return status.GetString("Gtid_IO_Pos");
            }

            if (status is null || status.GetString("Slave_IO_Running") == "No" || DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// Stops receiving, applies what was received, and connects again at the primary's file and
    /// position just past it: the server counts that as the acknowledgement. Only when that
    /// position ends exactly at the primary's logged GTIDs, so nothing is skipped.
    /// </summary>
    private static async Task<bool> AcknowledgeByPositionAsync(IDbSession replica, IDbSession primary, IReplayPositions replay, string logged, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await replica.ExecuteAsync("STOP SLAVE IO_THREAD", cancellationToken: cancellationToken);
        var status = await SlaveStatusAsync(replica, cancellationToken);
        var (file, position, received) = (status?.GetString("Master_Log_File"), status?.GetInt64("Read_Master_Log_Pos"), status?.GetString("Gtid_IO_Pos"));
        var ends = string.IsNullOrEmpty(file) || position is null
            ? null
            : (await primary.QueryAsync("SELECT BINLOG_GTID_POS(?, ?) AS ends", [file, position], cancellationToken)).Single().GetString("ends");
        if (ends is null || !GtidPosition.Covers(ends, logged) || !GtidPosition.Covers(logged, ends)
            || !(string.IsNullOrEmpty(received) || await replay.WaitForReplayAsync(replica, received, timeout, cancellationToken)))
        {
            await replica.ExecuteAsync("START SLAVE IO_THREAD", cancellationToken: cancellationToken);
            return false;
        }

        await replica.ExecuteAsync("STOP SLAVE", cancellationToken: cancellationToken);
        await replica.ExecuteAsync("CHANGE MASTER TO MASTER_USE_GTID = no, MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?", [file, position], cancellationToken);
        await replica.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
        return true;
    }

    /// <summary>Until the primary's waiting commits completed or it logged more (or the time is up).</summary>
    private static async Task WaitMovedOnAsync(IDbSession primary, string? logged, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && await PrimaryAsync(primary, cancellationToken) is { Waiting: > 0 } now && now.Logged == logged)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Back to following by GTID, which failover needs: stops receiving, applies the relay log, and connects by GTID from where it applied.</summary>
    private static async Task FollowByGtidAgainAsync(IDbSession replica, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await replica.ExecuteAsync("STOP SLAVE IO_THREAD", cancellationToken: cancellationToken);
        var status = await SlaveStatusAsync(replica, cancellationToken);
        var (file, position) = (status?.GetString("Master_Log_File"), status?.GetInt64("Read_Master_Log_Pos"));
        if (!string.IsNullOrEmpty(file) && position is not null)
        {
            await replica.QueryAsync("SELECT MASTER_POS_WAIT(?, ?, ?) AS waited", [file, position, timeout.TotalSeconds], cancellationToken);
        }

        await replica.ExecuteAsync("STOP SLAVE", cancellationToken: cancellationToken);
        await replica.ExecuteAsync("CHANGE MASTER TO MASTER_USE_GTID = slave_pos", cancellationToken: cancellationToken);
        await replica.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
    }
}
