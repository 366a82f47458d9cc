using System.Diagnostics;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Progress;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// A point-in-time restore's replay on MariaDB: the archived binary logs from the backup's GTID
/// position to the target's transaction, piped by mariadb-binlog into the restored server (which
/// logs them under their own GTIDs), then proof of where it stopped: the target's transaction
/// applied and the next archived one not.
/// </summary>
internal static class MariaDbArchiveReplay
{
    public static async Task<RecoveryPoint> ReplayAsync(MariaDbEngine engine, MariaDbNodeFiles files, MariaDbSetupSql sql, NodeDefinition node, PhysicalCopy copy, ArchiveReplay replay, ITopologyProgress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var local = files.ServerView.Local;
        var segments = await MariaDbArchive.PlanAsync(replay.Archive, copy.Position, verifyContents: false, cancellationToken);
        var (last, firstAfter) = MariaDbBinlogArchive.Stop(segments, replay.Target);
        string? restoreDurability = null;
        if (last is not null)
        {
            // Each replayed transaction would otherwise wait for two disk flushes. A replay cut short
            // by a crash is started again from the backup, so it runs with relaxed durability, and
            // the durable settings return (and the logs are flushed) before the restored data is used.
            await using (var relax = await sql.LocalRootSessionAsync(node, cancellationToken))
            {
                var durable = (await relax.QueryAsync("SELECT @@sync_binlog AS binlog, @@innodb_flush_log_at_trx_commit AS innodb", cancellationToken: cancellationToken)).Single();
                restoreDurability = $"SET GLOBAL sync_binlog = {durable.GetInt64("binlog")}, GLOBAL innodb_flush_log_at_trx_commit = {durable.GetInt64("innodb")}";
                await relax.ExecuteAsync("SET GLOBAL sync_binlog = 0, GLOBAL innodb_flush_log_at_trx_commit = 2", cancellationToken: cancellationToken);
            }

            await progress.StepAsync(node.Name, $"replay the archived binary logs from GTID '{copy.Position}' to {last.Gtid} ({last.At:yyyy-MM-dd HH:mm:ss} UTC)", async () =>
            {
                var tool = MariaDbArchive.BinlogTool(local);
                foreach (var segment in segments)
                {
                    var ends = segment.After.Contains(last);
                    var read = new ProcessSpec(tool, [
                        "--no-defaults",
                        .. segment.StartState.Length > 0 ? [$"--start-position={segment.StartState}"] : Array.Empty<string>(),
                        .. ends ? [$"--stop-position={last.Gtid}"] : Array.Empty<string>(),
                        .. segment.Logs.Select(l => l.Path),
                    ]);
                    var apply = new ProcessSpec(files.Clients.Path("mariadb"), [
                        "--no-defaults", $"--socket={files.SocketForTool(node)}", $"--user={MariaDbSetupSql.SocketUser}", "--binary-mode",
                    ]);
                    await ProcessPipeline.PipeAsync(read, apply, 1, (_, _) => { }, cancellationToken);
                    if (ends)
                    {
                        break;
                    }
                }
            });
        }

        await using var session = await sql.LocalRootSessionAsync(node, cancellationToken);
        if (restoreDurability is not null)
        {
            await session.ExecuteAsync(restoreDurability, cancellationToken: cancellationToken);
            await session.ExecuteAsync("FLUSH BINARY LOGS", cancellationToken: cancellationToken);
        }

        var reached = (await session.QueryAsync("SELECT @@gtid_binlog_pos AS pos", cancellationToken: cancellationToken)).Single().GetString("pos") ?? "";
        if (last is not null && !GtidPosition.Covers(reached, last.Gtid))
        {
            throw new LocalProviderException($"replay to {replay.Target} should have applied {last.Gtid}, yet the restored server's GTID state is '{reached}'; see {files.LogFile(node)}");
        }

        if (firstAfter is not null && GtidPosition.Covers(reached, firstAfter.Gtid))
        {
            throw new LocalProviderException(
                $"replay to {replay.Target} stopped at '{reached}', yet transaction {firstAfter.Gtid}, which the archive records after the target, is applied in the restored data");
        }

        return new RecoveryPoint(
            replay.Target, reached, last?.At,
            firstAfter is null ? null : new SkippedTransaction(firstAfter.Gtid.ToString(), firstAfter.At, firstAfter.Gtid.ToString(), "not applied"),
            clock.Elapsed);
    }
}
