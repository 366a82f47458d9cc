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

    /// <summary>The longest each wait of the mending takes (a connection, an application of the relay log, the release).</summary>
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(10);

    /// <summary>Rounds of mending before giving up: a reconnection by GTID can meet the same race again under load.</summary>
    private const int Attempts = 3;

    /// <summary>
    /// Commits wait on the primary although the replica received exactly what the primary
    /// logged, so no event is left whose acknowledgement would release them.
    /// </summary>
    public static bool Missed(long waitingCommits, string? primaryLogged, string? replicaReceived) =>
        waitingCommits > 0 && !string.IsNullOrEmpty(primaryLogged)
        && GtidPosition.Covers(replicaReceived, primaryLogged) && GtidPosition.Covers(primaryLogged, replicaReceived);

    /// <summary>
    /// Gives the waiting commits of <paramref name="primary"/> the acknowledgement of the
    /// semi-synchronous <paramref name="replica"/> replicating from it, when they wait for one it
    /// already gave; and puts back by GTID a replica an interrupted mending left on file and
    /// position. Cheap when nothing waits: one query to each.
    /// </summary>
    /// <returns>Whether the replica was reconnected to acknowledge them.</returns>
    public static async Task<bool> MendAsync(IDbSession replica, IDbSession primary, IReplayPositions replay, CancellationToken cancellationToken)
    {
        if ((await SlaveStatusAsync(replica, cancellationToken))?.GetString("Using_Gtid") == "No")
        {
            await FollowByGtidAgainAsync(replica, cancellationToken);
        }

        var mended = false;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var before = await PrimaryLook.TakeAsync(primary, cancellationToken);
            if (before.Waiting == 0)
            {
                return mended;
            }

            var received = await ConnectedReceivedAsync(replica, cancellationToken);
            if (!Missed(before.Waiting, before.Logged, received))
            {
                return mended;
            }

            await Task.Delay(SecondLook, cancellationToken);
            var after = await PrimaryLook.TakeAsync(primary, cancellationToken);
            if (!after.StalledSince(before) || !Missed(after.Waiting, after.Logged, await ReceivedAsync(replica, cancellationToken)))
            {
                return mended;
            }

            if (!await AcknowledgeByPositionAsync(replica, primary, replay, after, cancellationToken))
            {
                return mended;
            }

            mended = true;
        }

        return mended;
    }

    /// <summary>
    /// One look at a semi-synchronous primary: its waiting commits, its binary log's GTID
    /// position (readable while its group commit is held up, unlike SHOW MASTER STATUS) and how
    /// many commits were acknowledged so far.
    /// </summary>
    public sealed record PrimaryLook(long Waiting, string? Logged, long? Acknowledged)
    {
        /// <summary>The columns of a look, for a query that reads more beside them.</summary>
        public const string Columns =
            "@@gtid_binlog_pos AS binlog_pos, " +
            "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_WAIT_SESSIONS') AS sync_waiting, " +
            "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_YES_TX') AS sync_acknowledged";

        public static PrimaryLook From(DbRow row) => new(row.GetInt64("sync_waiting") ?? 0, row.GetString("binlog_pos"), row.GetInt64("sync_acknowledged"));

        public static async Task<PrimaryLook> TakeAsync(IDbSession primary, CancellationToken cancellationToken) =>
            From((await primary.QueryAsync("SELECT " + Columns, cancellationToken: cancellationToken)).Single());

        /// <summary>Commits still wait, and nothing was logged or acknowledged since <paramref name="earlier"/>.</summary>
        public bool StalledSince(PrimaryLook earlier) => Waiting > 0 && Logged == earlier.Logged && Acknowledged == earlier.Acknowledged;
    }

    private static async Task<DbRow?> SlaveStatusAsync(IDbSession replica, CancellationToken cancellationToken) =>
        (await replica.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).FirstOrDefault();

    private static async Task<string?> ReceivedAsync(IDbSession replica, CancellationToken cancellationToken) =>
        (await SlaveStatusAsync(replica, cancellationToken))?.GetString("Gtid_IO_Pos");

    /// <summary>What the replica received, once its IO thread has connected (only then are its source coordinates the primary's); null when it does not connect soon.</summary>
    private static async Task<string?> ConnectedReceivedAsync(IDbSession replica, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepLimit;
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
    /// position just past it: the server counts that as the acknowledgement. Only when the
    /// replica's coordinates are this primary's (its server id) and end exactly at the
    /// primary's logged GTIDs, so nothing is skipped or acknowledged that it lacks. Whatever
    /// happens, the replica is left receiving, by GTID.
    /// </summary>
    /// <returns>Whether the primary's commits moved on.</returns>
    private static async Task<bool> AcknowledgeByPositionAsync(IDbSession replica, IDbSession primary, IReplayPositions replay, PrimaryLook stalled, CancellationToken cancellationToken)
    {
        var logged = stalled.Logged;
        await replica.ExecuteAsync("STOP SLAVE IO_THREAD", cancellationToken: cancellationToken);
        var byPosition = false;
        try
        {
            var status = await SlaveStatusAsync(replica, cancellationToken);
            var (file, position, received) = (status?.GetString("Master_Log_File"), status?.GetInt64("Read_Master_Log_Pos"), status?.GetString("Gtid_IO_Pos"));
            var primaryId = (await primary.QueryAsync("SELECT @@server_id AS id", cancellationToken: cancellationToken)).Single().GetInt64("id");
            if (status?.GetInt64("Master_Server_Id") != primaryId || string.IsNullOrEmpty(file) || position is null
                || !Missed(1, logged, received) || !await replay.WaitForReplayAsync(replica, received!, StepLimit, cancellationToken))
            {
                return false;
            }

            var ends = (await primary.QueryAsync("SELECT BINLOG_GTID_POS(?, ?) AS ends", [file, position], cancellationToken)).Single().GetString("ends");
            if (!Missed(1, logged, ends))
            {
                return false;
            }

            await replica.ExecuteAsync("STOP SLAVE", cancellationToken: cancellationToken);
            byPosition = true;
            await replica.ExecuteAsync("CHANGE MASTER TO MASTER_USE_GTID = no, MASTER_LOG_FILE = ?, MASTER_LOG_POS = ?", [file, position], cancellationToken);
            await replica.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
            return await MovedOnAsync(primary, stalled, cancellationToken);
        }
        finally
        {
            if (byPosition)
            {
                await FollowByGtidAgainAsync(replica, CancellationToken.None);
            }
            else
            {
                await replica.ExecuteAsync("START SLAVE", cancellationToken: CancellationToken.None);
            }
        }
    }

    /// <summary>Whether the primary's commits moved on (completed, or more were logged or acknowledged), within the step's limit.</summary>
    private static async Task<bool> MovedOnAsync(IDbSession primary, PrimaryLook stalled, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepLimit;
        while ((await PrimaryLook.TakeAsync(primary, cancellationToken)).StalledSince(stalled))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Back to following by GTID, which failover needs: stops receiving, applies the relay log
    /// (changing how it follows discards what is not applied, and the replica may have
    /// acknowledged it), and connects by GTID from where it applied. A relay log that is not
    /// applied in time leaves the replica receiving by position, and says so.
    /// </summary>
    private static async Task FollowByGtidAgainAsync(IDbSession replica, CancellationToken cancellationToken)
    {
        await replica.ExecuteAsync("STOP SLAVE IO_THREAD", cancellationToken: cancellationToken);
        var status = await SlaveStatusAsync(replica, cancellationToken);
        var (file, position) = (status?.GetString("Master_Log_File"), status?.GetInt64("Read_Master_Log_Pos"));
        var waited = string.IsNullOrEmpty(file) || position is null
            ? 0
            : (await replica.QueryAsync("SELECT MASTER_POS_WAIT(?, ?, ?) AS waited", [file, position, StepLimit.TotalSeconds], cancellationToken)).Single().GetInt64("waited");
        if (waited is null or < 0)
        {
            await replica.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
            throw new LocalProviderException(
                $"the replica did not apply its relay log (received up to {file}:{position}) within {StepLimit.TotalSeconds:0} s, so it still replicates by file and position; " +
                "see SHOW SLAVE STATUS on it, and run 'up' once it applies again, which puts it back to GTID");
        }

        await replica.ExecuteAsync("STOP SLAVE", cancellationToken: cancellationToken);
        await replica.ExecuteAsync("CHANGE MASTER TO MASTER_USE_GTID = slave_pos", cancellationToken: cancellationToken);
        await replica.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
    }
}
