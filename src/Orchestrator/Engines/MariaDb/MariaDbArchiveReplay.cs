using System.Diagnostics;
using System.Globalization;
using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>What a replay applies, placed in the restored node's data directory before its server starts.</summary>
internal sealed record PlacedArchiveReplay(ArchiveReplay Replay, BinlogTransaction? Last, BinlogTransaction? FirstAfter, IReadOnlySet<long> OriginServers, long StartedAt);

/// <summary>
/// A point-in-time restore's replay on MariaDB: the archived binary logs from the backup's GTID
/// position to the target's transaction, placed as relay logs and applied by the restored
/// server's own replication applier (which logs them under their own GTIDs), then proof of where
/// it stopped: the target's transaction applied and the next archived one not.
/// </summary>
internal static class MariaDbArchiveReplay
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(15);

    /// <summary>Plans the replay and, while the node's server is stopped, writes its relay logs and their index into the data directory.</summary>
    public static async Task<PlacedArchiveReplay> PlaceAsync(MariaDbNodeFiles files, NodeDefinition node, PhysicalCopy copy, ArchiveReplay replay, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var segments = await MariaDbArchive.PlanAsync(replay.Archive, copy.Position, verifyContents: false, cancellationToken);
        var (last, firstAfter) = MariaDbBinlogArchive.Stop(segments, replay.Target);
        if (last is null)
        {
            return new PlacedArchiveReplay(replay, null, firstAfter, new HashSet<long>(), startedAt);
        }

        var pieces = MariaDbRelayLogs.Pieces(segments, last);
        var mebibytes = pieces.Sum(p => p.To - p.From) / (1024.0 * 1024);
        await progress.StepAsync(node.Name, string.Create(CultureInfo.InvariantCulture, $"place the {pieces.Sum(p => p.Count)} archived transactions after GTID '{copy.Position}' through {last.Gtid} as relay logs ({mebibytes:0.#} MiB)"), async () =>
        {
            var local = Directory.CreateTempSubdirectory("orchestrator-relay-");
            try
            {
                await MariaDbRelayLogs.WriteAsync(pieces, local.FullName, cancellationToken);

                // Copied in beside the data directory (a folder inside it would be a database), then moved in.
                var staging = files.Paths(node).InNode("relay-replay");
                await files.Host.CopyDirectoryInAsync(node, local.FullName, staging, cancellationToken);
                await files.RunAsync(node, new ProcessSpec("sh", ["-c", "mv -- \"$1\"/* \"$2\"/ && rmdir -- \"$1\"", "sh", staging, files.DataDir(node)]), cancellationToken);
                await files.Host.WriteFileAsync(node, $"{files.DataDir(node)}/{MariaDbConfigFiles.RelayLogName}.index", MariaDbRelayLogs.Index(pieces.Count), cancellationToken);
            }
            finally
            {
                local.Delete(recursive: true);
            }
        });
        var origins = segments.SelectMany(s => s.After).TakeWhile(t => t != last).Append(last).Select(t => t.Gtid.Server).ToHashSet();
        return new PlacedArchiveReplay(replay, last, firstAfter, origins, startedAt);
    }

    /// <summary>Applies the placed relay logs on the started server and proves where the replay stopped.</summary>
    public static async Task<RecoveryPoint> ReplayAsync(MariaDbNodeFiles files, MariaDbSetupSql sql, NodeDefinition node, PhysicalCopy copy, PlacedArchiveReplay placed, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
        if (placed.Last is { } last)
        {
            var before = (await session.QueryAsync("SELECT @@sync_binlog AS binlog, @@innodb_flush_log_at_trx_commit AS innodb, @@slave_parallel_threads AS threads, @@server_id AS server", cancellationToken: cancellationToken)).Single();
            var server = before.GetInt64("server") ?? throw new LocalProviderException($"the restored server on node '{node.Name}' reports no server_id; see {files.LogFile(node)}");
            object?[] settings = [before.GetInt64("binlog"), before.GetInt64("innodb"), before.GetInt64("threads"), server];

            // Each applied transaction would otherwise wait for two disk flushes. A replay cut short
            // by a crash is started again from the backup, so it runs with relaxed durability, and
            // the durable settings return (and the logs are flushed) before the restored data is used.
            // The applier runs alone: in parallel it needs the source's log names, which relay logs
            // made from archived ones do not carry. It skips events of its own server id, so it
            // takes another while the transactions to apply include some of this node's id.
            await session.ExecuteAsync(
                "SET GLOBAL sync_binlog = 0, GLOBAL innodb_flush_log_at_trx_commit = 2, GLOBAL slave_parallel_threads = 0, GLOBAL server_id = ?",
                [MariaDbRelayLogs.ApplierServerId(server, placed.OriginServers)],
                cancellationToken);
            try
            {
                await progress.StepAsync(node.Name, $"apply the archived transactions from GTID '{copy.Position}' through {last.Gtid} ({last.At:yyyy-MM-dd HH:mm:ss} UTC)", () =>
                    ApplyAsync(files, session, node, copy.Position, last, progress, cancellationToken));
            }
            catch
            {
                // A server started again later must find neither the replication setup (both its
                // threads would start, under the node's own id) nor the relaxed settings. The
                // replay's failure is the one to report.
                try
                {
                    await EndApplierAsync(session, settings, CancellationToken.None);
                }
                catch (DatabaseException)
                {
                }

                throw;
            }

            await EndApplierAsync(session, settings, cancellationToken);
            await session.ExecuteAsync("FLUSH BINARY LOGS", cancellationToken: cancellationToken);
        }

        var reached = (await session.QueryAsync("SELECT @@gtid_binlog_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? "";
        if (placed.Last is not null && !GtidPosition.Covers(reached, placed.Last.Gtid))
        {
            throw new LocalProviderException($"replay to {placed.Replay.Target} should have applied {placed.Last.Gtid}, yet the restored server's GTID state is '{reached}'; see {files.LogFile(node)}");
        }

        if (placed.FirstAfter is { } firstAfter && GtidPosition.Covers(reached, firstAfter.Gtid))
        {
            throw new LocalProviderException(
                $"replay to {placed.Replay.Target} stopped at '{reached}', yet transaction {firstAfter.Gtid}, which the archive records after the target, is applied in the restored data");
        }

        return new RecoveryPoint(
            placed.Replay.Target, reached, placed.Last?.At,
            placed.FirstAfter is null ? null : new SkippedTransaction(placed.FirstAfter.Gtid.ToString(), placed.FirstAfter.At, placed.FirstAfter.Gtid.ToString(), "not applied"),
            Stopwatch.GetElapsedTime(placed.StartedAt));
    }

    /// <summary>
    /// Runs the server's applier over the placed relay logs until it has applied <paramref name="last"/>,
    /// then removes the replication settings and relay logs: an applier that stops on an error, or
    /// waits for more at the logs' end without having applied it, fails the replay.
    /// </summary>
    private static async Task ApplyAsync(MariaDbNodeFiles files, IDbSession session, NodeDefinition node, string start, BinlogTransaction last, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        var target = last.Gtid.ToString();
        await session.ExecuteAsync("CHANGE MASTER TO MASTER_HOST = 'archive.invalid', MASTER_USE_GTID = no, RELAY_LOG_FILE = ?, RELAY_LOG_POS = 4", [MariaDbRelayLogs.FileName(0)], cancellationToken);
        await session.ExecuteAsync("START SLAVE SQL_THREAD", cancellationToken: cancellationToken);
        var report = Stopwatch.StartNew();
        string? waitingAt = null;
        while (true)
        {
            var status = (await session.QueryAsync("SHOW SLAVE STATUS", cancellationToken: cancellationToken)).Single();
            var slavePosition = (await session.QueryAsync("SELECT @@gtid_slave_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos");
            var applied = string.IsNullOrEmpty(slavePosition) ? start : slavePosition;
            if (GtidPosition.Covers(applied, last.Gtid))
            {
                break;
            }

            if (status.GetString("Slave_SQL_Running") != "Yes")
            {
                throw new LocalProviderException($"the restored server's applier stopped at GTID '{applied}', before transaction {target}: {status.GetString("Last_SQL_Error")}; see {files.LogFile(node)}");
            }

            var at = $"{status.GetString("Relay_Log_File")}:{status.GetString("Relay_Log_Pos")}";
            if (status.GetString("Slave_SQL_Running_State")?.Contains("read all relay log", StringComparison.OrdinalIgnoreCase) == true)
            {
                if (waitingAt == at)
                {
                    throw new LocalProviderException($"the restored server applied the archived logs placed for it up to GTID '{applied}' without reaching transaction {target}; see {files.LogFile(node)}");
                }

                waitingAt = at;
            }
            else
            {
                waitingAt = null;
            }

            if (report.Elapsed >= ProgressEvery)
            {
                progress.Report(new ProgressEvent(node.Name, string.Create(CultureInfo.InvariantCulture, $"applied {GtidPosition.Distance(applied, start)} of {GtidPosition.Distance(target, start)} archived transactions"), ProgressKind.Info));
                report.Restart();
            }

            await session.QueryAsync("SELECT MASTER_GTID_WAIT(?, 1)", [target], cancellationToken);
        }

    }

    /// <summary>
    /// Stops the applier and removes its settings and relay logs (the restored server is no replica,
    /// and its history is its binary log's), then puts back <paramref name="settings"/>: sync_binlog,
    /// innodb_flush_log_at_trx_commit, slave_parallel_threads and server_id as they were.
    /// </summary>
    private static async Task EndApplierAsync(IDbSession session, object?[] settings, CancellationToken cancellationToken)
    {
        await session.ExecuteAsync("STOP SLAVE", cancellationToken: cancellationToken);
        await session.ExecuteAsync("RESET SLAVE ALL", cancellationToken: cancellationToken);
        await session.ExecuteAsync("SET GLOBAL gtid_slave_pos = ''", cancellationToken: cancellationToken);
        await session.ExecuteAsync(
            "SET GLOBAL sync_binlog = ?, GLOBAL innodb_flush_log_at_trx_commit = ?, GLOBAL slave_parallel_threads = ?, GLOBAL server_id = ?",
            settings,
            cancellationToken);
    }
}
